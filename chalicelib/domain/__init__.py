"""Pure domain rules: no I/O, no boto3, no request objects; the clock is a parameter."""
