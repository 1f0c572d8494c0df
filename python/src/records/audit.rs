//! Results about the audit trail and exports.

use modelreg_core as mr;
use pyo3::prelude::*;

records! {
    /// One recorded change.
    AuditEvent = mr::audit::AuditEvent {
        id: "The event's id.",
        entity_type: r#"The kind of entity that changed ("model", "model_version", …)."#,
        entity_id: "The id of the entity that changed.",
        action: r#""create", "update", "delete", "deploy" or "rollback"."#,
        actor: "Who made the change.",
        changes: "What changed (a JSON object).",
        timestamp: "When the change was made (UTC).",
    }

    /// The first line of an export: what it holds.
    ExportHeader = mr::transfer::Header {
        format: r#"Always "modelreg-export"."#,
        format_version: "The version of the export format.",
        modelreg_version: "The version of the modelreg that wrote it.",
        schema_version: "The schema version of the exported database.",
        counts: "Records per kind, as the export began.",
    }
}
