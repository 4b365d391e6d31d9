"""The one Powertools logger of every function (correlation ids, no personal data), without the resolver.

Apart from netclub.api so that a function that resolves no route (the authorizer, the queue and
schedule handlers) gets its logger without importing the event handler, its OpenAPI models and pydantic.
"""

from __future__ import annotations

from aws_lambda_powertools.logging import Logger, correlation_paths

logger = Logger(service="netclub")
CORRELATION_PATH = correlation_paths.API_GATEWAY_REST
