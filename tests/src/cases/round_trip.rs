//! Whatever the registry accepts reads back, exports and imports again
//! identically (issue 10, item 3): a property test over generated
//! registries of records at every limit. Every generated registry holds a
//! fixed set of edge records (lengths at their maximum in multi-byte and
//! astral-plane characters, descriptions with newlines, JSON 32 levels deep
//! and of exactly 64 KiB, the 64-bit integers' and floats' extremes,
//! subnormals and -0.0, the numeric bounds, timestamps in the years 1
//! and 9999 and just before the epoch, sizes above 4 GiB) and random
//! records around them.
//!
//! [`steps::check_registries`] runs [`cases`] registries
//! (`MODELREG_PROPTEST_CASES`, default [`DEFAULT_CASES`]) from a random seed
//! it prints, or from `MODELREG_PROPTEST_SEED` to repeat a run.

use std::collections::BTreeMap;

use chrono::DateTime;
use modelreg_core::aliases::Alias;
use modelreg_core::deployments::{Deployment, DeploymentStatus};
use modelreg_core::environments::{Environment, EnvironmentKind};
use modelreg_core::metrics::{Metric, Split};
use modelreg_core::models::{Model, RiskLevel, Tag};
use modelreg_core::runs::{MAX_COST_USD, MAX_DURATION_SECONDS, MAX_GPU_HOURS, RunStatus, TrainingRun};
use modelreg_core::teams::Team;
use modelreg_core::validate::{JsonObject, MAX_JSON_BYTES, MAX_JSON_DEPTH};
use modelreg_core::versions::{Framework, ModelVersion, VersionStatus};
use modelreg_core::{Record, Registry, Timestamp};
use proptest::collection::{btree_map, vec};
use proptest::option;
use proptest::prelude::*;
use proptest::sample::{Index, select};
use serde_json::{Value, json};
use uuid::Uuid;

pub use proptest;

use crate::LocalBackend;

/// Registries generated per run when `MODELREG_PROPTEST_CASES` is not set.
pub const DEFAULT_CASES: u32 = 6;

/// How many registries a run generates.
pub fn cases() -> u32 {
    std::env::var("MODELREG_PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(DEFAULT_CASES)
}

/// Characters of names and texts: ASCII, multi-byte, astral-plane and
/// right-to-left letters, each its own NFC form.
const TEXT_CHARS: &[char] = &[
    'a', 'k', 'z', 'A', 'Q', '0', '7', '-', '_', '.', ' ', 'é', 'ü', 'ß', 'Ω', 'Ж', '日', '本', 'ع', '🚀', '𝔘', '😀',
    '𐍈', '中',
];
/// Descriptions may also hold newlines and tabs.
const DESCRIPTION_CHARS: &[char] = &[
    'a', 'Z', '9', ' ', 'é', 'Ж', '日', '🚀', '𝔘', '\n', '\t', '\r', '.', '"', '\\',
];
/// JSON strings and keys hold anything but U+0000.
const JSON_CHARS: &[char] = &[
    'a',
    'B',
    '1',
    ' ',
    'é',
    '日',
    '🚀',
    '"',
    '\\',
    '/',
    '\n',
    '\t',
    '\u{1}',
    '\u{1f}',
    '\u{7f}',
    '\u{2028}',
    '\u{FEFF}',
    '\u{10FFFF}',
];
/// First characters that keep the names of one kind apart.
const DISTINCT: &[char] = &['α', 'β', 'γ', 'δ', 'ε', 'ζ', 'η', 'θ', 'ι', 'κ', 'λ', 'μ'];

const EDGE_INTS: &[i64] = &[i64::MIN, i64::MAX, 0, -1, 9_007_199_254_740_993];
const EDGE_FLOATS: &[f64] = &[
    f64::MAX,
    f64::MIN,
    f64::MIN_POSITIVE,
    5e-324,
    -5e-324,
    -0.0,
    1e18,
    0.30000000000000004,
    1e-310,
    2.0,
];

/// 0001-01-01T00:00:00Z and 9999-12-31T23:59:59.999999Z, in microseconds:
/// the first and last instants the registry accepts (what RFC 3339 writes).
const FIRST_MICROS: i64 = -62_135_596_800_000_000;
const LAST_MICROS: i64 = 253_402_300_799_999_999;

fn at(micros: i64) -> Timestamp {
    DateTime::from_timestamp_micros(micros).expect("a timestamp in range")
}

fn uuid(bits: u128) -> Uuid {
    uuid::Builder::from_random_bytes(bits.to_le_bytes()).into_uuid()
}

fn string_of(alphabet: &'static [char], len: impl Strategy<Value = usize>) -> impl Strategy<Value = String> {
    len.prop_flat_map(move |n| vec(select(alphabet), n))
        .prop_map(|chars| chars.into_iter().collect())
}

/// A length up to `max`, often exactly `max`.
fn length(min: usize, max: usize) -> impl Strategy<Value = usize> {
    prop_oneof![1 => Just(max), 1 => Just(min), 2 => min..=max]
}

/// A name of 1..=max characters without surrounding whitespace.
fn name(max: usize) -> impl Strategy<Value = String> {
    string_of(TEXT_CHARS, length(1, max)).prop_map(|s| {
        let mut chars: Vec<char> = s.chars().collect();
        let last = chars.len() - 1;
        for i in [0, last] {
            if chars[i] == ' ' {
                chars[i] = 'x';
            }
        }
        chars.into_iter().collect()
    })
}

/// `name` with its first character replaced by the `n`th of [`DISTINCT`].
fn distinct(name: &str, n: usize) -> String {
    std::iter::once(DISTINCT[n % DISTINCT.len()])
        .chain(name.chars().skip(1))
        .collect()
}

fn text(max: usize) -> impl Strategy<Value = Option<String>> {
    option::of(string_of(TEXT_CHARS, length(0, max)))
}

fn description() -> impl Strategy<Value = Option<String>> {
    option::of(string_of(DESCRIPTION_CHARS, prop_oneof![Just(10_000), 0..=300usize]))
}

fn timestamp() -> impl Strategy<Value = Timestamp> {
    prop_oneof![
        Just(FIRST_MICROS),
        Just(LAST_MICROS),
        Just(-1i64),
        FIRST_MICROS..=LAST_MICROS,
    ]
    .prop_map(at)
}

fn finite() -> impl Strategy<Value = f64> {
    use proptest::num::f64::{NEGATIVE, NORMAL, POSITIVE, SUBNORMAL, ZERO};
    prop_oneof![select(EDGE_FLOATS), POSITIVE | NEGATIVE | NORMAL | SUBNORMAL | ZERO]
}

/// A float in `0..=max`, often at an edge.
fn bounded(max: f64) -> impl Strategy<Value = f64> {
    prop_oneof![Just(0.0), Just(-0.0), Just(max), Just(5e-324), 0.0..=max]
}

fn json_leaf() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        select(EDGE_INTS).prop_map(|i| json!(i)),
        any::<i64>().prop_map(|i| json!(i)),
        Just(json!(u64::MAX)),
        any::<u64>().prop_map(|i| json!(i)),
        finite().prop_map(|f| json!(f)),
        string_of(JSON_CHARS, 0..=12usize).prop_map(Value::String),
    ]
}

fn json_object() -> impl Strategy<Value = JsonObject> {
    let value = json_leaf().prop_recursive(4, 24, 4, |inner| {
        prop_oneof![
            vec(inner.clone(), 0..4).prop_map(Value::Array),
            btree_map(string_of(JSON_CHARS, 0..=6usize), inner, 0..4)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    });
    btree_map(string_of(JSON_CHARS, 0..=8usize), value, 0..5).prop_map(|m| m.into_iter().collect())
}

fn semver() -> impl Strategy<Value = String> {
    let number = prop_oneof![Just(0u64), Just(u64::MAX), 0u64..=30];
    let identifier = "(0|[1-9][0-9]{0,2}|[a-z-][0-9a-z-]{0,6})";
    prop_oneof![
        1 => Just(format!("1.2.3-{}", "a".repeat(44))),
        4 => (
            number.clone(),
            number.clone(),
            number,
            option::of(proptest::string::string_regex(&format!("{identifier}(\\.{identifier}){{0,2}}")).unwrap()),
            option::of("[0-9a-zA-Z-]{1,8}"),
        )
            .prop_map(|(major, minor, patch, pre, build)| {
                let mut v = format!("{major}.{minor}.{patch}");
                if let Some(pre) = pre {
                    v.push('-');
                    v.push_str(&pre);
                }
                if let Some(build) = build {
                    v.push('+');
                    v.push_str(&build);
                }
                v
            })
            .prop_filter("at most 50 characters", |v| v.len() <= 50),
    ]
}

fn team() -> impl Strategy<Value = Team> {
    (
        any::<u128>(),
        name(100),
        text(100),
        text(50),
        any::<bool>(),
        timestamp(),
    )
        .prop_map(|(id, name, department, cost_center, active, created_at)| Team {
            id: uuid(id),
            name,
            department,
            cost_center,
            active,
            created_at,
        })
}

fn tag() -> impl Strategy<Value = Tag> {
    (any::<u128>(), name(50), description(), timestamp()).prop_map(|(id, name, description, created_at)| Tag {
        id: uuid(id),
        name,
        description,
        created_at,
    })
}

/// A model and which generated team owns it.
fn model() -> impl Strategy<Value = (Model, Option<Index>)> {
    (
        (
            any::<u128>(),
            name(200),
            description(),
            text(200),
            option::of(any::<Index>()),
        ),
        (
            select(RiskLevel::ALL),
            any::<bool>(),
            any::<bool>(),
            timestamp(),
            timestamp(),
        ),
    )
        .prop_map(
            |(
                (id, name, description, use_case, team),
                (risk_level, compliance_required, is_active, created, updated),
            )| {
                let model = Model {
                    id: uuid(id),
                    name,
                    description,
                    use_case,
                    team_id: None,
                    risk_level,
                    compliance_required,
                    is_active,
                    created_at: created,
                    updated_at: updated,
                };
                (model, team)
            },
        )
}

fn size_bytes() -> impl Strategy<Value = Option<i64>> {
    prop_oneof![
        Just(None),
        Just(Some(0)),
        Just(Some(i64::MAX)),
        ((4i64 << 30) + 1..=i64::MAX).prop_map(Some),
    ]
}

/// A version and which generated model it belongs to.
fn version() -> impl Strategy<Value = (ModelVersion, Index)> {
    (
        (
            any::<u128>(),
            any::<Index>(),
            semver(),
            string_of(TEXT_CHARS, length(1, 500)),
        ),
        (select(Framework::ALL), text(50), text(20), select(VersionStatus::ALL)),
        (
            size_bytes(),
            option::of("[0-9a-f]{64}"),
            json_object(),
            timestamp(),
            description(),
        ),
    )
        .prop_map(
            |(
                (id, model, semver, artifact_uri),
                (framework, framework_version, python_version, status),
                (size_bytes, checksum_sha256, metadata, created_at, description),
            )| {
                let version = ModelVersion {
                    id: uuid(id),
                    model_id: Uuid::nil(),
                    semver,
                    artifact_uri,
                    framework,
                    framework_version,
                    python_version,
                    status,
                    size_bytes,
                    checksum_sha256,
                    metadata,
                    created_at,
                    description,
                };
                (version, model)
            },
        )
}

/// A run and which generated version it belongs to.
fn run() -> impl Strategy<Value = (TrainingRun, Index)> {
    (
        (any::<u128>(), any::<Index>(), name(200), select(RunStatus::ALL)),
        (
            timestamp(),
            option::of(timestamp()),
            option::of(prop_oneof![
                Just(0),
                Just(MAX_DURATION_SECONDS),
                0..=MAX_DURATION_SECONDS
            ]),
        ),
        (bounded(MAX_GPU_HOURS), option::of(bounded(MAX_COST_USD))),
        (text(200), text(50), json_object(), json_object(), text(100)),
    )
        .prop_map(
            |(
                (id, version, run_name, status),
                (started_at, completed_at, duration_seconds),
                (gpu_hours, cost_usd),
                (dataset_name, dataset_version, hyperparameters, environment, created_by),
            )| {
                let run = TrainingRun {
                    id: uuid(id),
                    version_id: Uuid::nil(),
                    run_name,
                    status,
                    started_at,
                    completed_at,
                    duration_seconds,
                    gpu_hours,
                    cost_usd,
                    dataset_name,
                    dataset_version,
                    hyperparameters,
                    environment,
                    created_by,
                };
                (run, version)
            },
        )
}

fn metric() -> impl Strategy<Value = (Metric, Index)> {
    (
        any::<u128>(),
        any::<Index>(),
        name(100),
        finite(),
        select(Split::ALL),
        timestamp(),
    )
        .prop_map(|(id, version, name, value, split, recorded_at)| {
            let metric = Metric {
                id: uuid(id),
                version_id: Uuid::nil(),
                name,
                value,
                split,
                recorded_at,
            };
            (metric, version)
        })
}

fn environment() -> impl Strategy<Value = Environment> {
    (
        (any::<u128>(), name(50), select(EnvironmentKind::ALL), text(50)),
        (text(100), json_object(), any::<bool>(), timestamp()),
    )
        .prop_map(
            |((id, name, kind, region), (kubernetes_namespace, config, is_active, created_at))| Environment {
                id: uuid(id),
                name,
                kind,
                region,
                kubernetes_namespace,
                config,
                is_active,
                created_at,
            },
        )
}

fn count() -> impl Strategy<Value = i32> {
    prop_oneof![Just(0), Just(i32::MAX), 0..=i32::MAX]
}

/// A deployment and which generated version and environment it joins.
fn deployment() -> impl Strategy<Value = (Deployment, Index, Index)> {
    (
        (
            any::<u128>(),
            any::<Index>(),
            any::<Index>(),
            name(200),
            select(DeploymentStatus::ALL),
        ),
        (text(500), count(), text(20), text(20), count()),
        (timestamp(), text(100), option::of(timestamp())),
    )
        .prop_map(
            |(
                (id, version, env, name, status),
                (endpoint_url, replicas, cpu_request, memory_request, gpu_count),
                (deployed_at, deployed_by, terminated_at),
            )| {
                let deployment = Deployment {
                    id: uuid(id),
                    version_id: Uuid::nil(),
                    environment_id: Uuid::nil(),
                    name,
                    status,
                    endpoint_url,
                    replicas,
                    cpu_request,
                    memory_request,
                    gpu_count,
                    deployed_at,
                    deployed_by,
                    terminated_at,
                };
                (deployment, version, env)
            },
        )
}

/// An alias name: 1..=50 characters, never reserved, never a SemVer (it starts with a letter).
fn alias_name() -> impl Strategy<Value = String> {
    prop_oneof![Just("a".repeat(50)), "[a-z][a-z0-9_-]{0,49}"].prop_filter("not reserved", |n| {
        !modelreg_core::aliases::RESERVED.contains(&n.as_str())
    })
}

/// A generated registry: records to create in bulk (parents first), then
/// tags to attach to models through the registry's operation.
#[derive(Debug, Clone)]
pub struct Generated {
    pub records: Vec<Record>,
    /// (model id, tag name) pairs for `add_tag`.
    pub tag_links: Vec<(Uuid, String)>,
}

impl Generated {
    /// "3 team, 2 tag, …": what the registry holds, for messages.
    pub fn summary(&self) -> String {
        let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
        for record in &self.records {
            *counts.entry(record.record_kind().as_str()).or_default() += 1;
        }
        let mut parts: Vec<String> = counts.iter().map(|(k, n)| format!("{n} {k}")).collect();
        parts.push(format!("{} tag links", self.tag_links.len()));
        parts.join(", ")
    }
}

/// JSON text parsed as an object.
fn object(text: &str) -> JsonObject {
    serde_json::from_str(text).expect("a JSON object")
}

/// An object of the extreme numbers JSON fields must keep exactly.
pub fn edge_numbers() -> JsonObject {
    let mut numbers = JsonObject::new();
    for (i, n) in EDGE_INTS.iter().enumerate() {
        numbers.insert(format!("int{i}"), json!(n));
    }
    numbers.insert("u64_max".into(), json!(u64::MAX));
    for (i, f) in EDGE_FLOATS.iter().enumerate() {
        numbers.insert(format!("float{i}"), json!(f));
    }
    numbers
}

/// `{"a": {"a": … {"leaf": "🚀"}}}`, exactly [`MAX_JSON_DEPTH`] levels deep.
pub fn deepest_object() -> JsonObject {
    let mut value = json!({"leaf": "🚀"});
    for _ in 1..MAX_JSON_DEPTH {
        value = json!({ "a": value });
    }
    value.as_object().cloned().expect("an object")
}

/// An object of two-byte characters, exactly [`MAX_JSON_BYTES`] long as JSON.
pub fn largest_object() -> JsonObject {
    let text = format!("{{\"a\":\"{}\"}}", "é".repeat((MAX_JSON_BYTES - 8) / 2));
    assert_eq!(text.len(), MAX_JSON_BYTES);
    object(&text)
}

/// The records at every limit that every generated registry holds.
pub fn edge_records() -> Vec<Record> {
    let team = Uuid::now_v7();
    let (model, v1, v2, v3, env) = (
        Uuid::now_v7(),
        Uuid::now_v7(),
        Uuid::now_v7(),
        Uuid::now_v7(),
        Uuid::now_v7(),
    );
    let astral = |n: usize| format!("edge{}", "𝔘".repeat(n - 4));
    let multiline = "🚀 line\n\ttab\r\n".chars().cycle().take(10_000).collect::<String>();
    let version = |id, semver: &str, metadata, size, created_at| ModelVersion {
        id,
        model_id: model,
        semver: semver.into(),
        artifact_uri: format!("s3://{}", "é".repeat(495)),
        framework: Framework::Huggingface,
        framework_version: Some("日".repeat(50)),
        python_version: Some("3".repeat(20)),
        status: VersionStatus::Validated,
        size_bytes: size,
        checksum_sha256: Some("0123456789abcdef".repeat(4)),
        metadata,
        created_at,
        description: Some(multiline.clone()),
    };
    let mut records = vec![
        Record::Team(Team {
            id: team,
            name: astral(100),
            department: Some("😀".repeat(100)),
            cost_center: Some("ع".repeat(50)),
            active: false,
            created_at: at(FIRST_MICROS),
        }),
        Record::Tag(Tag {
            id: Uuid::now_v7(),
            name: astral(50),
            description: Some(multiline.clone()),
            created_at: at(LAST_MICROS),
        }),
        Record::Model(Model {
            id: model,
            name: astral(200),
            description: Some(multiline.clone()),
            use_case: Some("中".repeat(200)),
            team_id: Some(team),
            risk_level: RiskLevel::Critical,
            compliance_required: true,
            is_active: true,
            created_at: at(FIRST_MICROS),
            updated_at: at(LAST_MICROS),
        }),
        Record::ModelVersion(version(
            v1,
            "18446744073709551615.0.0",
            edge_numbers(),
            Some(i64::MAX),
            at(-1),
        )),
        Record::ModelVersion(version(
            v2,
            &format!("1.2.3-{}", "a".repeat(44)),
            deepest_object(),
            Some((4 << 30) + 1),
            at(FIRST_MICROS),
        )),
        Record::ModelVersion(version(v3, "0.0.0", largest_object(), Some(0), at(LAST_MICROS))),
        Record::ModelAlias(Alias {
            id: Uuid::now_v7(),
            model_id: model,
            name: "a".repeat(50),
            version_id: v1,
            assigned_at: at(LAST_MICROS),
        }),
        Record::TrainingRun(TrainingRun {
            id: Uuid::now_v7(),
            version_id: v1,
            run_name: astral(200),
            status: RunStatus::Succeeded,
            started_at: at(FIRST_MICROS),
            completed_at: Some(at(LAST_MICROS)),
            duration_seconds: Some(MAX_DURATION_SECONDS),
            gpu_hours: MAX_GPU_HOURS,
            cost_usd: Some(MAX_COST_USD),
            dataset_name: Some("ß".repeat(200)),
            dataset_version: Some("Ω".repeat(50)),
            hyperparameters: edge_numbers(),
            environment: deepest_object(),
            created_by: Some("Ж".repeat(100)),
        }),
        Record::TrainingRun(TrainingRun {
            id: Uuid::now_v7(),
            version_id: v2,
            run_name: "subnormal".into(),
            status: RunStatus::Running,
            started_at: at(LAST_MICROS),
            completed_at: None,
            duration_seconds: Some(0),
            gpu_hours: 5e-324,
            cost_usd: Some(-0.0),
            dataset_name: None,
            dataset_version: None,
            hyperparameters: largest_object(),
            environment: JsonObject::new(),
            created_by: None,
        }),
        Record::Environment(Environment {
            id: env,
            name: astral(50),
            kind: EnvironmentKind::Production,
            region: Some("é".repeat(50)),
            kubernetes_namespace: Some("n".repeat(100)),
            config: edge_numbers(),
            is_active: true,
            created_at: at(LAST_MICROS),
        }),
        Record::Deployment(Deployment {
            id: Uuid::now_v7(),
            version_id: v1,
            environment_id: env,
            name: astral(200),
            status: DeploymentStatus::Terminated,
            endpoint_url: Some(format!("https://{}", "🚀".repeat(492))),
            replicas: i32::MAX,
            cpu_request: Some("c".repeat(20)),
            memory_request: Some("m".repeat(20)),
            gpu_count: i32::MAX,
            deployed_at: at(FIRST_MICROS),
            deployed_by: Some("d".repeat(100)),
            terminated_at: Some(at(LAST_MICROS)),
        }),
    ];
    for (i, value) in [f64::MAX, f64::MIN, f64::MIN_POSITIVE, 5e-324, -0.0, 1e18]
        .into_iter()
        .enumerate()
    {
        records.push(Record::Metric(Metric {
            id: Uuid::now_v7(),
            version_id: v3,
            name: format!("{}{i}", "m".repeat(99)),
            value,
            split: Split::ALL[i % Split::ALL.len()],
            recorded_at: at(if i % 2 == 0 { FIRST_MICROS } else { LAST_MICROS }),
        }));
    }
    records
}

/// Generated registries: the edge records and random ones around them.
pub fn registry() -> impl Strategy<Value = Generated> {
    (
        (vec(team(), 0..=2), vec(tag(), 0..=2), vec(model(), 1..=2)),
        (vec(version(), 1..=3), vec(run(), 0..=2), vec(metric(), 0..=3)),
        (vec(environment(), 0..=2), vec(deployment(), 0..=2)),
        (
            vec((any::<Index>(), alias_name()), 0..=2),
            vec((any::<Index>(), any::<Index>()), 0..=3),
        ),
    )
        .prop_map(
            |((teams, tags, models), (versions, runs, metrics), (envs, deployments), (aliases, links))| {
                assemble(
                    teams,
                    tags,
                    models,
                    versions,
                    runs,
                    metrics,
                    envs,
                    deployments,
                    aliases,
                    links,
                )
            },
        )
}

/// Links the generated entities to their parents, keeps unique what must be
/// unique, and puts them after the edge records, parents first.
#[allow(clippy::too_many_arguments)]
fn assemble(
    teams: Vec<Team>,
    tags: Vec<Tag>,
    models: Vec<(Model, Option<Index>)>,
    versions: Vec<(ModelVersion, Index)>,
    runs: Vec<(TrainingRun, Index)>,
    metrics: Vec<(Metric, Index)>,
    envs: Vec<Environment>,
    deployments: Vec<(Deployment, Index, Index)>,
    aliases: Vec<(Index, String)>,
    links: Vec<(Index, Index)>,
) -> Generated {
    let mut records = edge_records();
    let teams: Vec<Team> = teams
        .into_iter()
        .enumerate()
        .map(|(i, t)| Team {
            name: distinct(&t.name, i),
            ..t
        })
        .collect();
    let tags: Vec<Tag> = tags
        .into_iter()
        .enumerate()
        .map(|(i, t)| Tag {
            name: distinct(&t.name, i),
            ..t
        })
        .collect();
    let models: Vec<Model> = models
        .into_iter()
        .enumerate()
        .map(|(i, (m, team))| Model {
            name: distinct(&m.name, i),
            team_id: team
                .filter(|_| !teams.is_empty())
                .map(|t| teams[t.index(teams.len())].id),
            ..m
        })
        .collect();
    let mut kept: Vec<ModelVersion> = Vec::new();
    for (mut v, model) in versions {
        v.model_id = models[model.index(models.len())].id;
        let same_model = || kept.iter().filter(|k| k.model_id == v.model_id);
        if same_model().any(|k| k.semver == v.semver) {
            continue;
        }
        // One production version per model.
        if v.status == VersionStatus::Production && same_model().any(|k| k.status == VersionStatus::Production) {
            v.status = VersionStatus::Archived;
        }
        kept.push(v);
    }
    let envs: Vec<Environment> = envs
        .into_iter()
        .enumerate()
        .map(|(i, e)| Environment {
            name: distinct(&e.name, i),
            ..e
        })
        .collect();
    let mut alias_records = Vec::new();
    for (model, name) in aliases {
        let model = &models[model.index(models.len())];
        let target = kept
            .iter()
            .find(|v| v.model_id == model.id && v.status != VersionStatus::Deprecated);
        let taken = alias_records
            .iter()
            .any(|a: &Alias| a.model_id == model.id && a.name == name);
        if let (Some(target), false) = (target, taken) {
            alias_records.push(Alias {
                id: Uuid::new_v4(),
                model_id: model.id,
                name,
                version_id: target.id,
                assigned_at: target.created_at,
            });
        }
    }
    records.extend(teams.iter().cloned().map(Record::Team));
    records.extend(tags.iter().cloned().map(Record::Tag));
    records.extend(models.iter().cloned().map(Record::Model));
    records.extend(kept.iter().cloned().map(Record::ModelVersion));
    records.extend(alias_records.into_iter().map(Record::ModelAlias));
    for (mut r, version) in runs {
        r.version_id = kept[version.index(kept.len())].id;
        records.push(Record::TrainingRun(r));
    }
    for (mut m, version) in metrics {
        m.version_id = kept[version.index(kept.len())].id;
        records.push(Record::Metric(m));
    }
    records.extend(envs.iter().cloned().map(Record::Environment));
    if !envs.is_empty() {
        for (mut d, version, env) in deployments {
            d.version_id = kept[version.index(kept.len())].id;
            d.environment_id = envs[env.index(envs.len())].id;
            records.push(Record::Deployment(d));
        }
    }
    let mut tag_links: Vec<(Uuid, String)> = Vec::new();
    if !tags.is_empty() {
        for (model, tag) in links {
            let link = (
                models[model.index(models.len())].id,
                tags[tag.index(tags.len())].name.clone(),
            );
            if !tag_links.contains(&link) {
                tag_links.push(link);
            }
        }
    }
    Generated { records, tag_links }
}

/// Every generated registry, on this backend: written in bulk, each record
/// reads back as written, and its export imported into an empty registry
/// exports the same bytes.
pub async fn whatever_is_accepted_reads_back_exports_and_imports_identically<B: LocalBackend>(reg: Registry) {
    let label = format!("round trip on {}", reg.backend());
    drop(reg);
    steps::check_registries(&label, |generated| async move {
        let Some((source, source_guard)) = B::fresh_local().await else {
            return Ok(());
        };
        let Some((target, target_guard)) = B::fresh_local().await else {
            return Ok(());
        };
        steps::write(&source, &generated).await?;
        steps::read_back(&source, &generated).await?;
        let first = steps::export_bytes(&source).await?;
        steps::import_bytes(&target, &first).await?;
        steps::read_back(&target, &generated).await?;
        let second = steps::export_bytes(&target).await?;
        drop((source_guard, target_guard));
        steps::same_bytes("the export of the imported registry", &first, &second)
    })
    .await;
}

/// The steps of a round trip, shared with the cross-backend copy test.
pub mod steps {
    use std::future::Future;
    use std::time::Instant;

    use modelreg_core::metrics::MetricFilter;
    use modelreg_core::{Page, Record, Registry, VersionRef};
    use proptest::strategy::{Strategy, ValueTree};
    use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};

    use super::{Generated, cases, registry};

    /// The seed of this run: `MODELREG_PROPTEST_SEED` (64 hex digits), or random.
    fn seed() -> [u8; 32] {
        let given = std::env::var("MODELREG_PROPTEST_SEED").ok().and_then(|hex| {
            let bytes: Option<Vec<u8>> = (0..hex.len())
                .step_by(2)
                .map(|i| hex.get(i..i + 2).and_then(|b| u8::from_str_radix(b, 16).ok()))
                .collect();
            bytes.and_then(|b| <[u8; 32]>::try_from(b).ok())
        });
        given.unwrap_or_else(|| {
            let (a, b) = (uuid::Uuid::new_v4(), uuid::Uuid::new_v4());
            let mut seed = [0; 32];
            seed[..16].copy_from_slice(a.as_bytes());
            seed[16..].copy_from_slice(b.as_bytes());
            seed
        })
    }

    /// Runs `check` on [`cases`] generated registries. On a failure, tries
    /// simpler registries a few times, then panics with the simplest failure
    /// found and the seed that repeats the run.
    pub async fn check_registries<F, Fut>(label: &str, mut check: F)
    where
        F: FnMut(Generated) -> Fut,
        Fut: Future<Output = Result<(), String>>,
    {
        let (cases, seed) = (cases(), seed());
        let seed_hex: String = seed.iter().map(|b| format!("{b:02x}")).collect();
        let config = Config {
            cases,
            failure_persistence: None,
            ..Config::default()
        };
        let mut runner = TestRunner::new_with_rng(config, TestRng::from_seed(RngAlgorithm::ChaCha, &seed));
        let strategy = registry();
        let started = Instant::now();
        for case in 1..=cases {
            let mut tree = strategy.new_tree(&mut runner).expect("a generated registry");
            let Err(why) = check(tree.current()).await else {
                continue;
            };
            let mut simplest = (tree.current(), why);
            let mut budget = 8;
            let mut moved = tree.simplify();
            while moved && budget > 0 {
                budget -= 1;
                moved = match check(tree.current()).await {
                    Err(why) => {
                        simplest = (tree.current(), why);
                        tree.simplify()
                    }
                    Ok(()) => tree.complicate(),
                };
            }
            panic!(
                "{label}: generated registry {case} of {cases} failed (repeat with MODELREG_PROPTEST_SEED={seed_hex}).\n\
                 The simplest failing registry found holds {}:\n{}",
                simplest.0.summary(),
                simplest.1
            );
        }
        eprintln!(
            "{label}: {cases} generated registries passed in {:.1?} (MODELREG_PROPTEST_CASES={cases}, MODELREG_PROPTEST_SEED={seed_hex})",
            started.elapsed()
        );
    }

    /// Writes the generated registry through `bulk_create` (which validates
    /// every record) and `add_tag`.
    pub async fn write(reg: &Registry, generated: &Generated) -> Result<(), String> {
        reg.bulk_create(generated.records.clone())
            .await
            .map_err(|e| format!("bulk_create refused a generated registry: {e}"))?;
        for (model, tag) in &generated.tag_links {
            reg.add_tag(&(*model).into(), tag)
                .await
                .map_err(|e| format!("add_tag {tag:?}: {e}"))?;
        }
        Ok(())
    }

    /// The middle of `text` around byte `at`, for messages.
    fn around(text: &str, at: usize) -> String {
        let mut start = at.saturating_sub(80);
        while !text.is_char_boundary(start) {
            start -= 1;
        }
        let mut end = (at + 80).min(text.len());
        while !text.is_char_boundary(end) {
            end += 1;
        }
        format!("…{}…", &text[start..end])
    }

    fn differ(what: &str, wrote: &str, read: &str) -> String {
        let at = wrote.bytes().zip(read.bytes()).take_while(|(a, b)| a == b).count();
        format!(
            "{what} differs at byte {at}:\n  wrote {}\n  read  {}",
            around(wrote, at),
            around(read, at)
        )
    }

    /// Compares two values by their JSON text, which tells -0.0 from 0.0 and 1e18 from 10^18.
    fn same(what: &str, wrote: serde_json::Result<String>, read: serde_json::Result<String>) -> Result<(), String> {
        let (wrote, read) = (wrote.map_err(|e| e.to_string())?, read.map_err(|e| e.to_string())?);
        if wrote == read {
            Ok(())
        } else {
            Err(differ(what, &wrote, &read))
        }
    }

    /// Reads every generated record back through the registry's operations,
    /// and from an export, and compares each with what was written.
    pub async fn read_back(reg: &Registry, generated: &Generated) -> Result<(), String> {
        let all = Page::first(10_000).map_err(|e| e.to_string())?;
        let fail = |what: &str, e: modelreg_core::Error| format!("reading {what} on {}: {e}", reg.backend());
        let mut differences = Vec::new();
        for written in &generated.records {
            // What the registry stores is the canonical form of what it was given
            // (negative zero as zero, large whole floats in JSON as integers).
            let mut canonical = written.clone();
            canonical.canonicalize();
            let record = &canonical;
            let what = format!("{} {} on {}", record.record_kind(), record.id(), reg.backend());
            let checked = match record {
                Record::Team(t) => same(
                    &what,
                    serde_json::to_string(t),
                    serde_json::to_string(&reg.team(&t.id.into()).await.map_err(|e| fail(&what, e))?),
                ),
                Record::Tag(t) => {
                    let tags = reg.list_tags(all).await.map_err(|e| fail(&what, e))?;
                    let read = tags.into_iter().find(|u| u.tag.id == t.id).map(|u| u.tag);
                    same(
                        &what,
                        serde_json::to_string(&Some(t)),
                        serde_json::to_string(&read.as_ref()),
                    )
                }
                Record::Model(m) => same(
                    &what,
                    serde_json::to_string(m),
                    serde_json::to_string(&reg.model(&m.id.into()).await.map_err(|e| fail(&what, e))?),
                ),
                Record::ModelVersion(v) => {
                    let read = reg.version(&VersionRef::Id(v.id)).await.map_err(|e| fail(&what, e))?;
                    same(&what, serde_json::to_string(v), serde_json::to_string(&read))
                }
                Record::ModelAlias(a) => {
                    let read = reg
                        .alias(&a.model_id.into(), &a.name)
                        .await
                        .map_err(|e| fail(&what, e))?;
                    same(&what, serde_json::to_string(a), serde_json::to_string(&read))
                }
                Record::TrainingRun(r) => same(
                    &what,
                    serde_json::to_string(r),
                    serde_json::to_string(&reg.run(r.id).await.map_err(|e| fail(&what, e))?),
                ),
                Record::Metric(m) => {
                    let metrics = reg
                        .metrics_of_version(&VersionRef::Id(m.version_id), &MetricFilter::default(), all)
                        .await
                        .map_err(|e| fail(&what, e))?;
                    same(
                        &what,
                        serde_json::to_string(&Some(m)),
                        serde_json::to_string(&metrics.iter().find(|x| x.id == m.id)),
                    )
                }
                Record::Environment(e) => {
                    let read = reg.environment(&e.id.into()).await.map_err(|x| fail(&what, x))?;
                    same(&what, serde_json::to_string(e), serde_json::to_string(&read))
                }
                Record::Deployment(d) => same(
                    &what,
                    serde_json::to_string(d),
                    serde_json::to_string(&reg.deployment(d.id).await.map_err(|e| fail(&what, e))?),
                ),
                other => return Err(format!("no reader for a generated {}", other.record_kind())),
            };
            if let Err(why) = checked {
                differences.push(why);
            }
        }
        // The export writes each record exactly as it was written.
        let exported = String::from_utf8(export_bytes(reg).await?).map_err(|e| e.to_string())?;
        let lines: std::collections::HashMap<(String, String), &str> = exported
            .lines()
            .skip(1)
            .filter_map(|line| {
                let v: serde_json::Value = serde_json::from_str(line).ok()?;
                let id = v["record"]["id"].as_str()?.to_owned();
                Some(((v["kind"].as_str()?.to_owned(), id), line))
            })
            .collect();
        for written in &generated.records {
            let mut record = written.clone();
            record.canonicalize();
            let key = (record.record_kind().as_str().to_owned(), record.id().to_string());
            let wrote = serde_json::to_string(&record).map_err(|e| e.to_string())?;
            match lines.get(&key) {
                Some(line) if *line == wrote => {}
                Some(line) => differences.push(differ(
                    &format!("the exported {} {} on {}", key.0, key.1, reg.backend()),
                    &wrote,
                    line,
                )),
                None => differences.push(format!("the export on {} lacks {} {}", reg.backend(), key.0, key.1)),
            }
        }
        if differences.is_empty() {
            Ok(())
        } else {
            Err(format!(
                "{} records do not read back as written:\n{}",
                differences.len(),
                differences.join("\n")
            ))
        }
    }

    /// The registry's export, as bytes.
    pub async fn export_bytes(reg: &Registry) -> Result<Vec<u8>, String> {
        let mut out = Vec::new();
        reg.export(&mut out, &mut |_, _| {})
            .await
            .map_err(|e| format!("export on {}: {e}", reg.backend()))?;
        Ok(out)
    }

    /// Imports an export into the (empty) registry.
    pub async fn import_bytes(reg: &Registry, bytes: &[u8]) -> Result<(), String> {
        let mut input = bytes;
        reg.import(&mut input, false, &mut |_, _| {})
            .await
            .map(drop)
            .map_err(|e| format!("import on {}: {e}", reg.backend()))
    }

    /// Fails, showing the first difference, unless the two exports are byte for byte the same.
    pub fn same_bytes(what: &str, first: &[u8], second: &[u8]) -> Result<(), String> {
        if first == second {
            return Ok(());
        }
        let (a, b) = (String::from_utf8_lossy(first), String::from_utf8_lossy(second));
        for (n, (x, y)) in a.lines().zip(b.lines()).enumerate() {
            if x != y {
                return Err(differ(&format!("{what}, line {}", n + 1), x, y));
            }
        }
        Err(format!(
            "{what} has {} lines where the first export has {}",
            b.lines().count(),
            a.lines().count()
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_edge_records_are_valid_and_at_their_limits() {
        for record in edge_records() {
            record
                .validate()
                .unwrap_or_else(|e| panic!("{}: {e}", record.record_kind()));
        }
        assert_eq!(serde_json::to_string(&largest_object()).unwrap().len(), MAX_JSON_BYTES);
        assert!(modelreg_core::validate::json_object("metadata", &deepest_object()).is_ok());
        let mut deeper = JsonObject::new();
        deeper.insert("x".into(), Value::Object(deepest_object()));
        assert!(modelreg_core::validate::json_object("metadata", &deeper).is_err());
    }

    #[test]
    fn generated_registries_are_valid() {
        use proptest::strategy::ValueTree;
        let mut runner = proptest::test_runner::TestRunner::deterministic();
        let strategy = registry();
        for _ in 0..32 {
            let generated = strategy.new_tree(&mut runner).unwrap().current();
            for record in &generated.records {
                record
                    .validate()
                    .unwrap_or_else(|e| panic!("{}: {e}: {record:?}", record.record_kind()));
            }
        }
    }
}
