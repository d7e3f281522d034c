"""Queue URLs in the forms users paste: path form, LocalStack's host form, AWS's own host form."""

from __future__ import annotations

ACCOUNT = "000000000000"


def test_every_url_form_names_the_same_queue(aws_client, stratus_endpoint):
    sqs = aws_client("sqs")
    url = sqs.create_queue(QueueName="orders")["QueueUrl"]
    assert url == f"{stratus_endpoint}/{ACCOUNT}/orders"
    port = stratus_endpoint.rsplit(":", 1)[1]
    forms = [
        url,
        f"http://sqs.us-east-1.localhost.localstack.cloud:{port}/{ACCOUNT}/orders",
        f"https://sqs.us-east-1.amazonaws.com/{ACCOUNT}/orders",
        f"http://localhost:{port}/{ACCOUNT}/orders",
    ]
    for n, form in enumerate(forms):
        sqs.send_message(QueueUrl=form, MessageBody=str(n))
    bodies = set()
    while messages := sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages"):
        bodies |= {m["Body"] for m in messages}
    assert bodies == {"0", "1", "2", "3"}


def test_the_region_in_a_url_host_selects_that_regions_queue(aws_client):
    east = aws_client("sqs")
    west = aws_client("sqs", region_name="eu-west-1")
    east.create_queue(QueueName="same-name")
    west_url = west.create_queue(QueueName="same-name")["QueueUrl"]
    east.send_message(
        QueueUrl=f"https://sqs.eu-west-1.amazonaws.com/{ACCOUNT}/same-name", MessageBody="to the west"
    )
    assert west.receive_message(QueueUrl=west_url)["Messages"][0]["Body"] == "to the west"


def test_get_queue_url_of_another_account(aws_client):
    other = aws_client("sqs", aws_access_key_id="111111111111", aws_secret_access_key="test")
    other.create_queue(QueueName="theirs")
    url = aws_client("sqs").get_queue_url(QueueName="theirs", QueueOwnerAWSAccountId="111111111111")[
        "QueueUrl"
    ]
    assert url.endswith("/111111111111/theirs")
