"""The service models the layer ships (local/aws_models.py): current, and the ones the portal's clients read."""

from __future__ import annotations

from pathlib import Path

import pytest

from local import aws_models


def test_the_shipped_models_are_what_the_generator_writes(tmp_path: Path) -> None:
    written = {p.relative_to(tmp_path): p.read_text(encoding="utf-8") for p in aws_models.write(tmp_path)}
    shipped = {p.relative_to(aws_models.OUT): p.read_text(encoding="utf-8") for p in aws_models.OUT.rglob("service-2.json")}
    assert written == shipped, "layers/common/netclub/aws_models is out of date: run python -m local.aws_models"


@pytest.mark.parametrize("service", sorted(aws_models.OPERATIONS))
def test_a_client_reads_the_cut_model(service: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from netclub import aws

    monkeypatch.setenv("AWS_DEFAULT_REGION", "ap-northeast-1")
    aws.reset_clients()
    try:
        client = aws.new_client(service, "ap-northeast-1", "http://127.0.0.1:9", None)
        operations = set(client.meta.service_model.operation_names)
        assert operations == set(aws_models.OPERATIONS[service])
        assert client.meta.endpoint_url == "http://127.0.0.1:9"
    finally:
        aws.reset_clients()


def test_cutting_keeps_every_shape_an_operation_reaches() -> None:
    import botocore.session

    model = botocore.session.get_session().get_component("data_loader").load_service_model("dynamodb", "service-2")
    cut = aws_models.cut(model, ("TransactWriteItems",))
    assert set(cut["operations"]) == {"TransactWriteItems"}
    for name in ("TransactWriteItemsInput", "TransactWriteItem", "Put", "AttributeValue", "TransactionCanceledException", "CancellationReasonList"):
        assert name in cut["shapes"], name
    assert "GetItemInput" not in cut["shapes"]
    assert "documentation" not in str(cut["shapes"]["Put"])
    with pytest.raises(KeyError):
        aws_models.cut(model, ("Scan2",))


def test_the_layer_ships_the_sdk_the_tests_run() -> None:
    """One SDK: the layer pins boto3 and botocore at the versions installed here (the dev requirements include the
    layer's), so what the functions run on AWS is what the suites ran."""
    from importlib.metadata import version

    pins = dict(
        line.split("==")
        for line in (aws_models.OUT.parents[1] / "requirements.txt").read_text(encoding="utf-8").splitlines()
        if "==" in line and not line.startswith("#")
    )
    assert pins["boto3"] == version("boto3") and pins["botocore"] == version("botocore"), pins
