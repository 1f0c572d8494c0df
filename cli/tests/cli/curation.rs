//! Keeping the registry tidy: tag descriptions and deletion, team and
//! environment update and reactivation, each audited.

use crate::sandbox::{Sandbox, str_at};

#[test]
fn tags_are_described_and_deleted_from_every_model() {
    let s = Sandbox::sqlite();
    for model in ["a", "b"] {
        s.json(&["model", "create", model]);
        s.json(&["model", "tag", model, "tabular"]);
    }
    let tag = s.json(&[
        "tag",
        "update",
        "tabular",
        "--description",
        "rows and columns\nof numbers",
    ]);
    assert_eq!(tag["description"], "rows and columns\nof numbers");
    let listed = s.json(&["tag", "list"]);
    assert_eq!(
        (
            listed[0]["tag"]["description"].as_str(),
            listed[0]["model_count"].as_u64()
        ),
        (Some("rows and columns\nof numbers"), Some(2))
    );
    assert!(s.json(&["tag", "update", "tabular", "--no-description"])["description"].is_null());
    s.fails(&["tag", "update", "tabular"], 2);
    s.fails(&["tag", "update", "ghost", "--description", "x"], 3);
    let e = s.fails(&["tag", "update", "tabular", "--description", "bad\u{202e}"], 2);
    assert!(e.contains("description"), "{e}");

    // Deleting asks first, naming how many models lose the tag.
    let e = s.fails(&["tag", "delete", "tabular"], 2);
    assert!(e.contains("--yes"), "{e}");
    assert_eq!(s.json(&["model", "by-tag", "tabular"]).as_array().unwrap().len(), 2);
    let deleted = s.json(&["tag", "delete", "tabular", "--yes"]);
    assert_eq!(
        (deleted["name"].as_str(), deleted["models"].as_u64()),
        (Some("tabular"), Some(2))
    );
    assert!(s.json(&["model", "by-tag", "tabular"]).as_array().unwrap().is_empty());
    assert!(s.json(&["tag", "list"]).as_array().unwrap().is_empty());
    let updates = s.json(&["audit", "entity", "model", "a", "--filter", "action = 'update'"]);
    let untagged = updates["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["changes"]["tags"]["removed"] == "tabular");
    assert_eq!(untagged.count(), 1, "the model's untag is audited: {updates}");
    s.fails(&["tag", "delete", "tabular", "--yes"], 3);
}

#[test]
fn teams_and_environments_are_updated_and_reactivated() {
    let s = Sandbox::sqlite();
    s.json(&["team", "create", "ml"]);
    assert_eq!(s.json(&["team", "deactivate", "ml"])["active"], false);
    assert!(s.json(&["team", "list"]).as_array().unwrap().is_empty());
    assert_eq!(s.json(&["team", "reactivate", "ml"])["active"], true);
    assert_eq!(s.json(&["team", "list"])[0]["name"], "ml");
    assert_eq!(s.json(&["team", "update", "ml", "--active", "false"])["active"], false);
    let team = s.json(&["team", "update", "ml", "--active", "true", "--department", "Research"]);
    assert_eq!(
        (team["active"].as_bool(), team["department"].as_str()),
        (Some(true), Some("Research"))
    );
    s.fails(&["team", "reactivate", "ghost"], 3);

    let env = s.json(&["env", "create", "stage", "--kind", "staging"]);
    assert_eq!(s.json(&["env", "deactivate", "stage"])["is_active"], false);
    assert_eq!(s.json(&["env", "reactivate", str_at(&env, "id")])["is_active"], true);
    let updated = s.json(&[
        "env",
        "update",
        "stage",
        "--env-config",
        r#"{"replicas": 2}"#,
        "--region",
        "eu-west-1",
    ]);
    assert_eq!(updated["config"]["replicas"], 2);
    s.fails(&["env", "reactivate", "ghost"], 3);
    let events = s.json(&["audit", "entity", "environment", "stage"]);
    assert_eq!(
        events.as_array().unwrap().len(),
        4,
        "create, deactivate, reactivate, update: {events}"
    );
}
