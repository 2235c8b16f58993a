"""One module per resource: its request and response models and its views.

``app.py`` names these views lazily, so a cold Lambda imports the module of
the route it serves and builds none of the other resources' models.
"""
