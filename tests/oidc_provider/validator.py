from oauth2_provider.oauth2_validators import OAuth2Validator

# Claims the ID tokens carry instead of the true ones, as the test asked (`aud` for another
# audience, `nonce` for one the client never sent); empty for an honest provider. The provider
# runs one worker process, so every request sees what the control endpoint set.
id_token_overrides: dict[str, str] = {}


class Validator(OAuth2Validator):
    """django-oauth-toolkit's validator, telling clients a person's name, e-mail address and
    groups, and signing whatever `id_token_overrides` holds into the ID tokens."""

    oidc_claim_scope = {**OAuth2Validator.oidc_claim_scope, "groups": "groups"}

    def get_additional_claims(self):
        return {
            "preferred_username": lambda request: request.user.username,
            "name": lambda request: request.user.name,
            "email": lambda request: request.user.email,
            "email_verified": lambda request: request.user.email_verified,
            "groups": lambda request: request.user.group_names,
        }

    def get_id_token_dictionary(self, token, token_handler, request):
        claims, expiration_time = super().get_id_token_dictionary(token, token_handler, request)
        return {**claims, **id_token_overrides}, expiration_time
