# Signs the worked example of docs/signing.md by hand (RFC 9421, hmac-sha256),
# with nothing but the Python standard library. test/docs-signing.test.ts runs it
# and checks that signwire computes the same headers.
import base64, hashlib, hmac

secret = b"my-demo-secret"
body = b'{"item":"book","qty":1}'
digest = "sha-256=:" + base64.b64encode(hashlib.sha256(body).digest()).decode() + ":"
params = '("@method" "@authority" "@path" "@query" "content-digest" "content-type")' \
         ';created=1795000000;nonce="b8f3c1a2e4d5";keyid="demo";alg="hmac-sha256"'
base = "\n".join([
    '"@method": POST',
    '"@authority": api.example.com',
    '"@path": /orders',
    '"@query": ?tenant=acme',
    f'"content-digest": {digest}',
    '"content-type": application/json',
    f'"@signature-params": {params}',
])
signature = base64.b64encode(hmac.new(secret, base.encode(), hashlib.sha256).digest()).decode()
print("Content-Digest:", digest)
print("Signature-Input: sig1=" + params)
print(f"Signature: sig1=:{signature}:")
