"""Every mail goes through the one configuration set (issue 26): a transactional mail too, so that SES reports
its bounces and complaints, and those suppress the address as a newsletter's do."""

from __future__ import annotations

from typing import Any

from tests.conftest import DEMO, Env


def test_a_transactional_mail_goes_through_the_configuration_set_and_its_bounce_suppresses(env: Env) -> None:
    from netclub.aws import client
    from netclub.store import newsletters as store

    from local import cfn, ses_events, stack
    from local.resources import physical_names

    template = cfn.load()
    configuration_set = cfn.Resolver(template, physical_names(template, stack.PREFIX), {"Stage": "local"}, stack.REGION, stack.ACCOUNT).ref(
        "MailConfigurationSet"
    )
    seen: list[dict[str, Any]] = []

    def capture(params: dict[str, Any], **_: Any) -> None:
        seen.append(params)

    ses = client("sesv2")
    ses.meta.events.register("provide-client-params.sesv2.SendEmail", capture)
    try:
        answer = env.new_client().post("/api/password-reset", {"email": DEMO[0], "email_confirm": DEMO[0]})
        assert answer.status in (200, 202), answer.body
    finally:
        ses.meta.events.unregister("provide-client-params.sesv2.SendEmail", capture)
    (params,) = [p for p in seen if p["Destination"]["ToAddresses"] == [DEMO[0]]]
    assert params["ConfigurationSetName"] == configuration_set
    assert params["EmailTags"] == [{"Name": "kind", "Value": "transactional"}]
    assert params["FromEmailAddress"] == "no-reply@netclub.example"

    assert store.suppressed([DEMO[0]]) == set()
    bounce = ses_events.sns_event(ses_events.ses_event("Bounce", DEMO[0], True, None), env.gateway.region, env.gateway.account)
    assert env.invoke("SesEventsFunction", bounce) == {"suppressed": 1}
    assert store.suppressed([DEMO[0]]) == {DEMO[0]}
