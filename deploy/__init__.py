"""Deployment: the CloudFormation merge template for ``chalice package``."""
