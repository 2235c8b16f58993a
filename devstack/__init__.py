"""The local stack: moto's DynamoDB server and ``chalice local``, started and stopped together."""
