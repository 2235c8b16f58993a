"""CareerForge Sessions: scheduling and video calls for mentorship."""
