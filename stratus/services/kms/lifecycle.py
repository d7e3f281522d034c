"""What happens to keys as the clock moves: scheduled deletion, expiry of imported key material
and automatic rotation. Each is applied when a key is next touched (`settle`) and by the periodic
sweep, so the outcome never depends on when the sweep last ran."""

from __future__ import annotations

from stratus.services.kms import specs
from stratus.services.kms.common import DAY
from stratus.services.kms.material import MaterialCache, generate, new_material_id
from stratus.services.kms.states import ENABLED, PENDING_DELETION, PENDING_IMPORT, PENDING_REPLICA_DELETION
from stratus.services.kms.store import (
    Key,
    Material,
    delete_key_rows,
    find_key,
    insert_material,
    materials_of,
    next_version,
    regions_of_key,
    save_key,
)
from stratus.store import Database

# A clock jump over many rotation periods rotates once per period, up to this many at a time.
MAX_CATCH_UP_ROTATIONS = 100


def settle(db: Database, cache: MaterialCache, key: Key, now: float) -> Key | None:
    """The key as it is at `now`: None once deleted. Call inside a transaction."""
    if key.key_state == PENDING_DELETION and key.deletion_date is not None and key.deletion_date <= now:
        delete_key(db, cache, key, now)
        return None
    if key.valid_to is not None and key.valid_to <= now:
        key = expire_imported_material(db, cache, key, now)
    if key.key_state == ENABLED and key.next_rotation is not None and key.next_rotation <= now:
        key = rotate_on_schedule(db, cache, key, now)
    return key


def delete_key(db: Database, cache: MaterialCache, key: Key, now: float) -> None:
    delete_key_rows(db, key)
    cache.drop(key)
    if key.is_replica and key.primary_region:
        # The primary of a multi-Region key waits for its last replica before its own window starts.
        primary = find_key(db, key.account_id, key.primary_region, key.key_id)
        if primary is not None and primary.key_state == PENDING_REPLICA_DELETION:
            replicas = [
                k for k in regions_of_key(db, key.account_id, key.key_id) if k.region != primary.region
            ]
            if not replicas:
                window = primary.pending_window_days or 30
                save_key(
                    db, primary.with_changes(key_state=PENDING_DELETION, deletion_date=now + window * DAY)
                )


def expire_imported_material(db: Database, cache: MaterialCache, key: Key, now: float) -> Key:
    """Imported key material past its ValidTo is deleted; the key waits for that material again."""
    db.execute(
        "UPDATE kms_materials SET sealed = NULL WHERE account_id = ? AND region = ? AND key_id = ? "
        "AND imported = 1 AND valid_to IS NOT NULL AND valid_to <= ?",
        (key.account_id, key.region, key.key_id, now),
    )
    cache.drop(key)
    remaining = [
        m.valid_to
        for m in materials_of(db, key)
        if m.imported and m.sealed is not None and m.valid_to is not None
    ]
    changes: dict = {"valid_to": min(remaining) if remaining else None}
    if key.key_state not in (PENDING_DELETION, PENDING_REPLICA_DELETION, PENDING_IMPORT):
        changes.update(key_state=PENDING_IMPORT, enabled_before_import=key.key_state == ENABLED)
    expired = key.with_changes(**changes)
    save_key(db, expired)
    return expired


def rotate_on_schedule(db: Database, cache: MaterialCache, key: Key, now: float) -> Key:
    period = (key.rotation_period_days or 365) * DAY
    due = key.next_rotation or now
    rotations = 0
    while due <= now and rotations < MAX_CATCH_UP_ROTATIONS:
        key = add_rotation(db, cache, key, due, "AUTOMATIC")
        due += period
        rotations += 1
    if due <= now:
        due = now + period
    key = key.with_changes(next_rotation=due)
    save_key(db, key)
    return key


def add_rotation(db: Database, cache: MaterialCache, key: Key, at: float, rotation_type: str) -> Key:
    """New key material becomes current; every earlier version stays, so old ciphertexts still
    decrypt. A multi-Region primary's replicas get the same material (same version and id)."""
    raw = generate(specs.SYMMETRIC_DEFAULT)
    material_id = new_material_id()
    version = next_version(db, key)
    related = [key]
    if key.multi_region:
        related += [k for k in regions_of_key(db, key.account_id, key.key_id) if k.region != key.region]
    updated = key
    for copy in related:
        make_current(db, cache, copy, version, raw, material_id, at, rotation_type=rotation_type)
        changed = copy.with_changes(current_version=version)
        if copy.region == key.region:
            updated = changed
        else:
            save_key(db, changed)
    save_key(db, updated)
    return updated


def make_current(
    db: Database,
    cache: MaterialCache,
    key: Key,
    version: int,
    raw: bytes,
    material_id: str,
    at: float,
    *,
    rotation_type: str | None = None,
    imported: bool = False,
    expiration_model: str | None = None,
    valid_to: float | None = None,
    description: str | None = None,
) -> None:
    """Store `raw` as version `version` of the key and make it the current material."""
    db.execute(
        "UPDATE kms_materials SET state = 'NON_CURRENT' WHERE account_id = ? AND region = ? AND key_id = ? "
        "AND state = 'CURRENT'",
        (key.account_id, key.region, key.key_id),
    )
    store_material(
        db,
        cache,
        key,
        version,
        raw,
        material_id,
        at,
        state="CURRENT",
        rotation_type=rotation_type,
        imported=imported,
        expiration_model=expiration_model,
        valid_to=valid_to,
        description=description,
    )


def store_material(
    db: Database,
    cache: MaterialCache,
    key: Key,
    version: int,
    raw: bytes,
    material_id: str,
    at: float,
    *,
    state: str,
    rotation_type: str | None = None,
    imported: bool = False,
    expiration_model: str | None = None,
    valid_to: float | None = None,
    description: str | None = None,
) -> None:
    insert_material(
        db,
        Material(
            account_id=key.account_id,
            region=key.region,
            key_id=key.key_id,
            version=version,
            material_id=material_id,
            created=at,
            sealed=cache.seal(key.account_id, key.region, key.key_id, version, raw),
            state=state,
            rotation_type=rotation_type,
            rotated=at if rotation_type else None,
            imported=imported,
            expiration_model=expiration_model,
            valid_to=valid_to,
            description=description,
        ),
    )


def copy_materials(db: Database, cache: MaterialCache, source: Key, target: Key) -> None:
    """Give a new multi-Region replica every material version of its primary (resealed for its row)."""
    for material in materials_of(db, source):
        raw = cache.load_material(source.key_spec, material).raw if material.sealed is not None else None
        insert_material(
            db,
            Material(
                account_id=target.account_id,
                region=target.region,
                key_id=target.key_id,
                version=material.version,
                material_id=material.material_id,
                created=material.created,
                sealed=None
                if raw is None
                else cache.seal(target.account_id, target.region, target.key_id, material.version, raw),
                state=material.state,
                rotation_type=material.rotation_type,
                rotated=material.rotated,
                imported=material.imported,
                expiration_model=material.expiration_model,
                valid_to=material.valid_to,
                description=material.description,
            ),
        )


def sweep(db: Database, cache: MaterialCache, now: float) -> int:
    """Apply every due deletion, expiry and rotation; returns how many keys changed."""
    rows = db.query(
        "SELECT account_id, region, key_id FROM kms_keys WHERE (deletion_date IS NOT NULL AND deletion_date <= ?) "
        "OR (valid_to IS NOT NULL AND valid_to <= ?) OR (next_rotation IS NOT NULL AND next_rotation <= ? "
        "AND key_state = 'Enabled') LIMIT 500",
        (now, now, now),
    )
    changed = 0
    for row in rows:
        with db.transaction():
            key = find_key(db, row["account_id"], row["region"], row["key_id"])
            if key is not None:
                settle(db, cache, key, now)
                changed += 1
    return changed
