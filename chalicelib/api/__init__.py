"""The HTTP edge: parse requests into models, identify the caller, map errors to problems."""
