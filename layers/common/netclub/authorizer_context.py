"""What the REQUEST authorizer passes to the handlers of a request besides who is calling.

The authorizer reads the session and its member in one BatchGetItem (store.accounts.session_and_member)
at every request (template.yaml: ReauthorizeEvery 0, nothing cached), and hands these member fields
on as `member_<field>` in requestContext.authorizer, so that a handler needs no member read of its
own for them: the e-mail and names (mails, reservation holders) and the status (routes open to
active members only, e.g. 会員企業検索). The one list here is what the authorizer reads, what it passes
and what netclub.api.current_principal takes back.
"""

MEMBER_FIELDS = ("email", "company_name", "user_name", "status")
