# The vendor's curl sample for the token request, as its Authentication page shows it
# (developer.expertfile.com, reference/api-reference/authentication), copied verbatim.
# Tests replace the host and the placeholders, then run it against the fake server.
curl -X POST \
  https://public-api.expertfile.com/v2/oauth/token \
  -H 'cache-control: no-cache' \
  -H 'content-type: application/x-www-form-urlencoded' \
  -d 'client_id=<YOUR_ID>&client_secret=<YOUR_SECRET>&grant_type=client_credentials'
