"""The sns database: topics, subscriptions, FIFO bookkeeping, the readable sent-message log,
delivery outcomes, signing keys, platform applications/endpoints and SMS settings.

Topics and subscriptions are found by ARN (which carries account and region); everything else is
scoped by (account_id, region). Times are emulated epoch seconds (the Stratus clock).
"""

from __future__ import annotations

SNS_DATABASE = "sns"

MIGRATIONS = [
    """
    CREATE TABLE sns_topics (
        topic_id INTEGER PRIMARY KEY,
        arn TEXT NOT NULL UNIQUE,
        account_id TEXT NOT NULL,
        region TEXT NOT NULL,
        name TEXT NOT NULL,
        fifo INTEGER NOT NULL,
        attributes TEXT NOT NULL,               -- JSON object: the settable attributes that were set
        data_protection_policy TEXT,            -- PutDataProtectionPolicy's document, as given
        subscriptions_deleted INTEGER NOT NULL DEFAULT 0,
        last_sequence INTEGER NOT NULL DEFAULT 0, -- FIFO SequenceNumber of the latest publish
        created_at REAL NOT NULL
    );
    CREATE INDEX sns_topics_by_owner ON sns_topics (account_id, region, name);

    CREATE TABLE sns_topic_tags (
        topic_arn TEXT NOT NULL,
        key TEXT NOT NULL,
        value TEXT NOT NULL,
        PRIMARY KEY (topic_arn, key)
    );

    CREATE TABLE sns_subscriptions (
        sub_id INTEGER PRIMARY KEY,
        arn TEXT NOT NULL UNIQUE,
        topic_arn TEXT NOT NULL,
        account_id TEXT NOT NULL,               -- the subscriber's account (Owner)
        region TEXT NOT NULL,
        protocol TEXT NOT NULL,
        endpoint TEXT NOT NULL,
        confirmed INTEGER NOT NULL,
        token TEXT,                             -- the confirmation token while pending
        authenticate_on_unsubscribe INTEGER NOT NULL DEFAULT 0,
        confirmation_was_authenticated INTEGER NOT NULL DEFAULT 0,
        attributes TEXT NOT NULL,               -- JSON object: the settable attributes that were set
        created_at REAL NOT NULL
    );
    CREATE INDEX sns_subscriptions_by_topic ON sns_subscriptions (topic_arn, sub_id);
    CREATE INDEX sns_subscriptions_by_owner ON sns_subscriptions (account_id, region, sub_id);
    CREATE INDEX sns_subscriptions_by_token ON sns_subscriptions (token);

    -- FIFO topics: deduplication within 5 minutes, and the per (subscription, group) delivery line
    CREATE TABLE sns_fifo_dedup (
        topic_arn TEXT NOT NULL,
        scope TEXT NOT NULL,                    -- '' for the topic, the MessageGroupId otherwise
        dedup_id TEXT NOT NULL,
        message_id TEXT NOT NULL,
        sequence_number TEXT NOT NULL,
        expires_at REAL NOT NULL,
        PRIMARY KEY (topic_arn, scope, dedup_id)
    );
    CREATE INDEX sns_fifo_dedup_by_expiry ON sns_fifo_dedup (expires_at);

    CREATE TABLE sns_fifo_pending (
        seq INTEGER PRIMARY KEY,
        subscription_arn TEXT NOT NULL,
        group_id TEXT NOT NULL,
        payload TEXT NOT NULL                   -- JSON: the delivery (as an outbox payload)
    );
    CREATE INDEX sns_fifo_pending_by_line ON sns_fifo_pending (subscription_arn, group_id, seq);

    -- What email, email-json, SMS and mobile-push "sent": readable at GET /_stratus/sns/messages
    CREATE TABLE sns_sent_messages (
        id INTEGER PRIMARY KEY,
        account_id TEXT NOT NULL,
        region TEXT NOT NULL,
        protocol TEXT NOT NULL,                 -- email | email-json | sms | application
        endpoint TEXT NOT NULL,                 -- address, phone number, platform endpoint ARN
        topic_arn TEXT,
        subscription_arn TEXT,
        message_id TEXT NOT NULL,
        kind TEXT NOT NULL,                     -- Notification | SubscriptionConfirmation | UnsubscribeConfirmation | Verification
        subject TEXT,
        body TEXT NOT NULL,
        attributes TEXT,                        -- JSON: message attributes / SMS attributes
        sent_at REAL NOT NULL
    );
    CREATE INDEX sns_sent_messages_by_endpoint ON sns_sent_messages (endpoint, id);

    -- The outcome of every delivery attempt that ended (success, or failure after the retries)
    CREATE TABLE sns_delivery_log (
        id INTEGER PRIMARY KEY,
        account_id TEXT NOT NULL,
        region TEXT NOT NULL,
        topic_arn TEXT,
        subscription_arn TEXT,
        protocol TEXT NOT NULL,
        endpoint TEXT NOT NULL,
        message_id TEXT NOT NULL,
        status TEXT NOT NULL,                   -- SUCCESS | FAILURE
        attempts INTEGER NOT NULL,
        detail TEXT,                            -- the status code / error of the last attempt
        dead_letter_arn TEXT,                   -- where the message went after the retries
        at REAL NOT NULL
    );
    CREATE INDEX sns_delivery_log_by_topic ON sns_delivery_log (topic_arn, id);

    CREATE TABLE sns_signing_keys (
        region TEXT PRIMARY KEY,
        certificate_id TEXT NOT NULL,           -- names the certificate file in SigningCertURL
        private_key_pem TEXT NOT NULL,
        certificate_pem TEXT NOT NULL
    );

    CREATE TABLE sns_platform_applications (
        arn TEXT PRIMARY KEY,
        account_id TEXT NOT NULL,
        region TEXT NOT NULL,
        name TEXT NOT NULL,
        platform TEXT NOT NULL,
        attributes TEXT NOT NULL,
        created_at REAL NOT NULL
    );
    CREATE INDEX sns_platform_applications_by_owner ON sns_platform_applications (account_id, region, arn);

    CREATE TABLE sns_platform_endpoints (
        arn TEXT PRIMARY KEY,
        application_arn TEXT NOT NULL,
        token TEXT NOT NULL,
        attributes TEXT NOT NULL,
        created_at REAL NOT NULL
    );
    CREATE INDEX sns_platform_endpoints_by_application ON sns_platform_endpoints (application_arn, token);

    CREATE TABLE sns_sms_attributes (
        account_id TEXT NOT NULL,
        region TEXT NOT NULL,
        attributes TEXT NOT NULL,
        PRIMARY KEY (account_id, region)
    );

    CREATE TABLE sns_opted_out_numbers (
        account_id TEXT NOT NULL,
        region TEXT NOT NULL,
        phone_number TEXT NOT NULL,
        opted_out_at REAL NOT NULL,
        PRIMARY KEY (account_id, region, phone_number)
    );

    CREATE TABLE sns_sms_opt_ins (             -- the latest OptInPhoneNumber (one per 30 days)
        account_id TEXT NOT NULL,
        region TEXT NOT NULL,
        phone_number TEXT NOT NULL,
        opted_in_at REAL NOT NULL,
        PRIMARY KEY (account_id, region, phone_number)
    );

    CREATE TABLE sns_sandbox_numbers (
        account_id TEXT NOT NULL,
        region TEXT NOT NULL,
        phone_number TEXT NOT NULL,
        status TEXT NOT NULL,                   -- Pending | Verified
        language_code TEXT,
        one_time_password TEXT,
        created_at REAL NOT NULL,
        PRIMARY KEY (account_id, region, phone_number)
    );
    """,
]
