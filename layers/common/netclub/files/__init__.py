"""S3 attachments: presigned POST/GET and the HeadObject checks (no rules here: see services.attachments)."""
