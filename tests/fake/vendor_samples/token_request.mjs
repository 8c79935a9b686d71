// The vendor's Node.js sample for the token request, as its Authentication page shows it
// (developer.expertfile.com, reference/api-reference/authentication), copied verbatim.
// Tests replace the host and the placeholders, then run it against the fake server.
const data = new URLSearchParams();

data.append('client_id', '<YOUR CLIENT ID>');
data.append('client_secret', '<YOUR CLIENT SECRET>');
data.append('grant_type', 'client_credentials');

fetch('https://public-api.expertfile.com/v2/oauth/token', {
    method: 'POST',
    headers: {
        'Content-Type': 'application/x-www-form-urlencoded'
    },
    body: data
})
.then(response => response.json())
.then(json => {
    const { success, data } = json

    if (success) {
        const { accessToken, accessTokenExpiresAt } = data
        console.log('Token used to sign requests for data', accessToken)
    }

})
.catch(error => console.error(error));
