"""DynamoDB (and other storage) repositories. ClientError never leaves this package."""
