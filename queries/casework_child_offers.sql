-- Purpose: one child's offers, each joined to its outcome: the first decline, withdrawal or
--   provision start for the same provider (provider_key) on or after the offer's day and
--   before that provider's next offer. `repeat` marks an offer made on a later day than an
--   earlier refusal by the same provider (the case_flags definition).
--   PUPIL-LEVEL: run only through queries/pupil.py (queries.casework.child_offers).
-- Parameters: $child_id VARCHAR
-- Output: offer_date DATE, provider VARCHAR, provision_type VARCHAR, hours_per_week DOUBLE,
--   outcome VARCHAR (offer_declined, offer_withdrawn, provision_started or NULL: none
--   recorded), outcome_date DATE, days_to_outcome INTEGER, repeat BOOLEAN,
--   refused_before DATE (the latest earlier refusal by the provider, for repeats)
WITH events AS (
    SELECT event_date, event_type, provider, provider_key, provision_type, hours_per_week,
        source_row
    FROM casework
    WHERE child_id = $child_id
),
offers AS (
    SELECT
        *,
        lead(event_date) OVER (
            PARTITION BY provider_key ORDER BY event_date, source_row
        ) AS next_offer_date
    FROM events
    WHERE event_type = 'offer'
),
outcomes AS (
    SELECT
        o.source_row,
        arg_min(e.event_type, (e.event_date, e.source_row)) AS outcome,
        min(e.event_date) AS outcome_date
    FROM offers o
    JOIN events e
        ON e.provider_key = o.provider_key
        AND e.event_type IN ('offer_declined', 'offer_withdrawn', 'provision_started')
        AND e.event_date >= o.event_date
        AND (o.next_offer_date IS NULL OR e.event_date < o.next_offer_date
            OR o.next_offer_date = o.event_date)
    GROUP BY o.source_row
),
refusals AS (
    SELECT o.source_row, max(e.event_date) AS refused_before
    FROM offers o
    JOIN events e
        ON e.provider_key = o.provider_key
        AND e.event_type IN ('offer_declined', 'offer_withdrawn')
        AND e.event_date < o.event_date
    GROUP BY o.source_row
)
SELECT
    o.event_date AS offer_date,
    o.provider,
    o.provision_type,
    o.hours_per_week,
    c.outcome,
    c.outcome_date,
    c.outcome_date - o.event_date AS days_to_outcome,
    r.refused_before IS NOT NULL AS repeat,
    r.refused_before
FROM offers o
LEFT JOIN outcomes c USING (source_row)
LEFT JOIN refusals r USING (source_row)
ORDER BY o.event_date, o.source_row
