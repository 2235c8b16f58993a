"""CareerForge Sessions: scheduling and video calls for mentorship."""

import warnings

# The local stage's HS256 secret is fixed ("local-dev-secret", documented in docs/API.md) and is
# shorter than RFC 7518 recommends; it only signs demo tokens, and AWS stages
# verify RS256/ES256 keys instead, so PyJWT's warning about it is noise.
warnings.filterwarnings("ignore", message="The HMAC key is .* below the minimum recommended")
