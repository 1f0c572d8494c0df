//! The bad-input table (issue 11, item 6): every writable field of every
//! entity against every rule that applies to it, each row with its bad value
//! and the field the error must name.
//!
//! Four entry points run the table, and after every row check that the
//! registry is unchanged (its stats and the length of its audit trail):
//! the library on each backend and `import` ([`crate::cases::bad_input`]),
//! the HTTP API (`server/tests/bad_input.rs`) and the command line
//! (`cli/tests/bad_input.rs`). A row an entry point cannot express is marked
//! not applicable to it, with the reason.

use std::collections::BTreeMap;
use std::fmt;

use crate::AsApi;
use modelreg_core::analytics::Stats;
use modelreg_core::environments::{EnvironmentKind, NewEnvironment};
use modelreg_core::metrics::{NewMetric, Split};
use modelreg_core::models::NewModel;
use modelreg_core::runs::{MAX_COST_USD, MAX_DURATION_SECONDS, MAX_GPU_HOURS, NewRun};
use modelreg_core::store::RecordKind;
use modelreg_core::teams::NewTeam;
use modelreg_core::validate::{MAX_JSON_BYTES, MAX_JSON_DEPTH};
use modelreg_core::versions::{Framework, NewVersion};
use modelreg_core::{Page, Ref, VersionRef};
use serde_json::{Value, json};
use uuid::Uuid;

/// A name the fixture takes, in NFC ("Zoë" with a precomposed ë).
pub const TAKEN: &str = "Zo\u{eb}";
/// The same name decomposed (e + U+0308): it looks like [`TAKEN`] and must be the same name.
pub const LOOK_ALIKE: &str = "Zoe\u{308}";
/// The team that updates change.
pub const PARENT_TEAM: &str = "parent-team";
/// The model that updates change and versions are registered under.
pub const PARENT_MODEL: &str = "parent";
/// The version of [`PARENT_MODEL`] that runs, metrics, aliases and deployments belong to.
pub const PARENT_SEMVER: &str = "1.0.0";
/// The environment that updates change and deployments go into.
pub const PARENT_ENV: &str = "parent-env";
/// The alias the fixture sets on the parent version.
pub const PARENT_ALIAS: &str = "champion";

/// Where the table is run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum EntryPoint {
    /// The registry's operations, on each backend.
    Library,
    /// `import` of a valid export with one line corrupted.
    Import,
    /// The HTTP API.
    Http,
    /// The `modelreg` command line.
    Cli,
}

impl EntryPoint {
    /// Every entry point, in the order of [`Row::not_applicable`].
    pub const ALL: [EntryPoint; 4] = [
        EntryPoint::Library,
        EntryPoint::Import,
        EntryPoint::Http,
        EntryPoint::Cli,
    ];

    fn index(self) -> usize {
        self as usize
    }
}

impl fmt::Display for EntryPoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            EntryPoint::Library => "library",
            EntryPoint::Import => "import",
            EntryPoint::Http => "HTTP",
            EntryPoint::Cli => "CLI",
        })
    }
}

/// The operation a row writes through.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Op {
    TeamCreate,
    TeamUpdate,
    ModelCreate,
    ModelUpdate,
    /// Tagging the parent model (the tag is created if new).
    TagAdd,
    /// Changing a tag's own fields.
    TagUpdate,
    VersionRegister,
    VersionUpdate,
    VersionStatus,
    AliasSet,
    RunStart,
    RunFinish,
    MetricRecord,
    EnvironmentCreate,
    EnvironmentUpdate,
    DeploymentCreate,
    DeploymentStatus,
    DeploymentScale,
    /// Who makes the changes.
    Actor,
}

impl Op {
    /// "team create", "run finish", …
    pub fn label(self) -> &'static str {
        match self {
            Op::TeamCreate => "team create",
            Op::TeamUpdate => "team update",
            Op::ModelCreate => "model create",
            Op::ModelUpdate => "model update",
            Op::TagAdd => "tag add",
            Op::TagUpdate => "tag update",
            Op::VersionRegister => "version register",
            Op::VersionUpdate => "version update",
            Op::VersionStatus => "version set-status",
            Op::AliasSet => "alias set",
            Op::RunStart => "run start",
            Op::RunFinish => "run finish",
            Op::MetricRecord => "metric record",
            Op::EnvironmentCreate => "environment create",
            Op::EnvironmentUpdate => "environment update",
            Op::DeploymentCreate => "deployment create",
            Op::DeploymentStatus => "deployment set-status",
            Op::DeploymentScale => "deployment scale",
            Op::Actor => "actor",
        }
    }

    /// The kind of record an export stores the field in.
    pub fn record_kind(self) -> RecordKind {
        match self {
            Op::TeamCreate | Op::TeamUpdate => RecordKind::Team,
            Op::ModelCreate | Op::ModelUpdate => RecordKind::Model,
            Op::TagAdd | Op::TagUpdate => RecordKind::Tag,
            Op::VersionRegister | Op::VersionUpdate | Op::VersionStatus => RecordKind::ModelVersion,
            Op::AliasSet => RecordKind::ModelAlias,
            Op::RunStart | Op::RunFinish => RecordKind::TrainingRun,
            Op::MetricRecord => RecordKind::Metric,
            Op::EnvironmentCreate | Op::EnvironmentUpdate => RecordKind::Environment,
            Op::DeploymentCreate | Op::DeploymentStatus | Op::DeploymentScale => RecordKind::Deployment,
            Op::Actor => RecordKind::AuditEvent,
        }
    }

    /// The JSON body of the operation (its request type as serde reads it)
    /// with a valid value in every required field; `unique` keeps the names
    /// of rows apart. `None` for operations that take no body.
    pub fn base_body(self, unique: &str) -> Option<Value> {
        let row_number = unique.trim_start_matches(|c: char| !c.is_ascii_digit());
        Some(match self {
            Op::TeamCreate | Op::ModelCreate => json!({ "name": unique }),
            Op::TeamUpdate
            | Op::ModelUpdate
            | Op::VersionUpdate
            | Op::EnvironmentUpdate
            | Op::TagUpdate
            | Op::VersionStatus
            | Op::DeploymentStatus
            | Op::DeploymentScale => json!({}),
            Op::VersionRegister => json!({
                "semver": format!("2.0.{row_number}"),
                "artifact_uri": "s3://bad-input/model.onnx",
                "framework": "onnx",
            }),
            Op::RunStart => json!({ "run_name": unique }),
            Op::RunFinish => json!({ "status": "succeeded" }),
            Op::MetricRecord => json!({ "name": unique, "value": 0.5, "split": "test" }),
            Op::EnvironmentCreate => json!({ "name": unique, "kind": "sandbox" }),
            Op::DeploymentCreate => json!({ "name": unique }),
            Op::TagAdd | Op::AliasSet | Op::Actor => return None,
        })
    }
}

impl fmt::Display for Op {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// What a field holds, which decides the rules that apply to it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Kind {
    /// A name: 1..=max characters, NFC, no surrounding whitespace; `unique` among its kind.
    Name {
        max: usize,
        unique: bool,
    },
    /// An optional one-line text of at most `max` characters.
    Text {
        max: usize,
    },
    /// A required one-line text of 1..=max characters.
    Required {
        max: usize,
    },
    /// An optional text that may hold newlines and tabs.
    Description {
        max: usize,
    },
    /// A SemVer 2.0 version of at most 50 characters.
    Semver,
    /// An alias name: lower-case ASCII, never reserved, never a SemVer.
    Alias,
    /// Exactly 64 hexadecimal digits.
    Checksum,
    /// One value of a closed set.
    Enum,
    Bool,
    /// A JSON object of at most 64 KiB and 32 levels.
    Json,
    /// A finite float; when `max` is given, in `0..=max`.
    Float {
        max: Option<f64>,
    },
    /// An integer of `bits` bits, at least 0, and at most `max` when given.
    Int {
        bits: u32,
        max: Option<i64>,
    },
    /// A timestamp.
    Time,
    /// Another entity, by name or id.
    Reference,
}

/// The rule a row breaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Rule {
    Empty,
    TooLong,
    LeadingWhitespace,
    TrailingWhitespace,
    Control(char),
    Format(char),
    Separator(char),
    Nul,
    /// A decomposed spelling of a taken name.
    NotNfc,
    NotSemver,
    UpperCase,
    Reserved,
    /// An alias that reads as a SemVer.
    SemverLike,
    WrongLength,
    NotHex,
    UnknownValue,
    /// A value of the set the operation refuses (finishing as running, deploying as terminated).
    RefusedValue,
    WrongType,
    NotObject,
    TooDeep,
    TooLarge,
    NulInString,
    NulInKey,
    /// An integer literal outside the 64-bit range in JSON text.
    BigInteger,
    Negative,
    NaN,
    Infinity,
    NegativeInfinity,
    /// Above the field's bound.
    BeyondBound,
    /// Outside the range of the field's integer type.
    BeyondType,
    Fraction,
    /// A number literal too large for a 64-bit float (`1e999`).
    BeyondFloat,
    NotATime,
    BeforeStart,
}

impl Rule {
    /// Whether serde's reading of a JSON body decides this rule (so that an
    /// HTTP answer may be 400 as well as 422).
    pub fn serde_may_decide(self) -> bool {
        matches!(
            self,
            Rule::WrongType
                | Rule::NotObject
                | Rule::UnknownValue
                | Rule::BeyondType
                | Rule::Fraction
                | Rule::BeyondFloat
                | Rule::BigInteger
                | Rule::NotATime
        )
    }
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Rule::Empty => f.write_str("empty"),
            Rule::TooLong => f.write_str("too long by one"),
            Rule::LeadingWhitespace => f.write_str("leading whitespace"),
            Rule::TrailingWhitespace => f.write_str("trailing whitespace"),
            Rule::Control(c) => write!(f, "control character U+{:04X}", *c as u32),
            Rule::Format(c) => write!(f, "format character U+{:04X}", *c as u32),
            Rule::Separator(c) => write!(f, "separator U+{:04X}", *c as u32),
            Rule::Nul => f.write_str("NUL"),
            Rule::NotNfc => f.write_str("non-NFC look-alike of a taken name"),
            Rule::NotSemver => f.write_str("not SemVer"),
            Rule::UpperCase => f.write_str("upper case"),
            Rule::Reserved => f.write_str("reserved"),
            Rule::SemverLike => f.write_str("reads as SemVer"),
            Rule::WrongLength => f.write_str("wrong length"),
            Rule::NotHex => f.write_str("not hexadecimal"),
            Rule::UnknownValue => f.write_str("unknown enum value"),
            Rule::RefusedValue => f.write_str("a value the operation refuses"),
            Rule::WrongType => f.write_str("wrong JSON type"),
            Rule::NotObject => f.write_str("non-object JSON"),
            Rule::TooDeep => f.write_str("JSON too deep (33 levels)"),
            Rule::TooLarge => f.write_str("JSON too large (64 KiB + 1)"),
            Rule::NulInString => f.write_str("NUL in a JSON string"),
            Rule::NulInKey => f.write_str("NUL in a JSON key"),
            Rule::BigInteger => f.write_str("integer beyond 64 bits in JSON text"),
            Rule::Negative => f.write_str("negative"),
            Rule::NaN => f.write_str("NaN"),
            Rule::Infinity => f.write_str("infinity"),
            Rule::NegativeInfinity => f.write_str("negative infinity"),
            Rule::BeyondBound => f.write_str("beyond the bound"),
            Rule::BeyondType => f.write_str("beyond the integer type"),
            Rule::Fraction => f.write_str("a fraction"),
            Rule::BeyondFloat => f.write_str("beyond a 64-bit float (1e999)"),
            Rule::NotATime => f.write_str("not a timestamp"),
            Rule::BeforeStart => f.write_str("before the run started"),
        }
    }
}

/// A bad value.
#[derive(Debug, Clone, PartialEq)]
pub enum Bad {
    /// A string.
    Text(String),
    /// A float (NaN and the infinities included).
    Float(f64),
    /// An integer.
    Int(i64),
    /// Raw JSON text: other types, objects, literals no Rust number holds.
    Json(String),
}

impl Bad {
    /// The value as JSON text; `None` when JSON cannot express it (NaN, infinities).
    pub fn json_text(&self) -> Option<String> {
        match self {
            Bad::Text(s) => Some(serde_json::to_string(s).expect("a string serializes")),
            Bad::Float(f) if f.is_finite() => Some(serde_json::to_string(f).expect("a float serializes")),
            Bad::Float(_) => None,
            Bad::Int(i) => Some(i.to_string()),
            Bad::Json(text) => Some(text.clone()),
        }
    }

    /// The value as a command-line argument would give it.
    pub fn arg(&self) -> String {
        match self {
            Bad::Text(s) => s.clone(),
            Bad::Float(f) => f.to_string(),
            Bad::Int(i) => i.to_string(),
            Bad::Json(text) => text.clone(),
        }
    }
}

/// What an entry point must answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expect {
    /// Refused as invalid, naming this field.
    Invalid(&'static str),
    /// Refused as taking the existing unique name in this field: the
    /// look-alike is the same name. `import` refuses the spelling itself
    /// (invalid, the same field).
    Conflict(&'static str),
    /// The existing entity under the same name: answered as it, nothing
    /// changes (a tag added twice). `import` refuses the spelling (invalid).
    Same(&'static str),
}

impl Expect {
    /// The field the answer names.
    pub fn field(self) -> &'static str {
        match self {
            Expect::Invalid(f) | Expect::Conflict(f) | Expect::Same(f) => f,
        }
    }
}

/// One row of the table.
#[derive(Debug, Clone)]
pub struct Row {
    pub op: Op,
    /// The field as the library names it.
    pub field: &'static str,
    pub kind: Kind,
    pub rule: Rule,
    pub value: Bad,
    pub expect: Expect,
    /// Why the row does not apply to each entry point of [`EntryPoint::ALL`], when it does not.
    pub not_applicable: [Option<String>; 4],
}

impl Row {
    /// Whether the row applies to `entry`: `Err(reason)` when it does not.
    pub fn applies(&self, entry: EntryPoint) -> Result<(), &str> {
        match &self.not_applicable[entry.index()] {
            Some(reason) => Err(reason),
            None => Ok(()),
        }
    }

    /// "team create department: format character U+202E".
    pub fn label(&self) -> String {
        format!("{} {}: {}", self.op, self.field, self.rule)
    }

    /// The operation's JSON body with `raw` (JSON text) in this row's field.
    pub fn body_with(&self, unique: &str, raw: &str) -> Option<String> {
        const MARK: &str = "__modelreg_bad_input__";
        let mut body = self.op.base_body(unique)?;
        body[self.field] = Value::String(MARK.into());
        let text = serde_json::to_string(&body).expect("a body serializes");
        Some(text.replacen(&format!("\"{MARK}\""), raw, 1))
    }

    /// The operation's JSON body holding this row's bad value; `None` when
    /// the operation takes no body or JSON cannot express the value.
    pub fn body(&self, unique: &str) -> Option<String> {
        self.body_with(unique, &self.value.json_text()?)
    }

    /// Where an export holds the field: the kind of record, the key in it,
    /// and the field an import's error must name.
    pub fn import_target(&self) -> (RecordKind, &'static str, &'static str) {
        let kind = self.op.record_kind();
        match (self.op, self.field) {
            (Op::TagAdd, _) => (kind, "name", "tag"),
            (Op::AliasSet, _) => (kind, "name", "alias"),
            (_, "team") => (kind, "team_id", "team_id"),
            (_, field) => (kind, field, self.expect.field()),
        }
    }
}

/// The fields every operation writes, with what they hold.
const FIELDS: &[(Op, &str, Kind)] = &[
    (Op::TeamCreate, "name", Kind::Name { max: 100, unique: true }),
    (Op::TeamCreate, "department", Kind::Text { max: 100 }),
    (Op::TeamCreate, "cost_center", Kind::Text { max: 50 }),
    (Op::TeamUpdate, "name", Kind::Name { max: 100, unique: true }),
    (Op::TeamUpdate, "department", Kind::Text { max: 100 }),
    (Op::TeamUpdate, "cost_center", Kind::Text { max: 50 }),
    (Op::TeamUpdate, "active", Kind::Bool),
    (Op::ModelCreate, "name", Kind::Name { max: 200, unique: true }),
    (Op::ModelCreate, "description", Kind::Description { max: 10_000 }),
    (Op::ModelCreate, "use_case", Kind::Text { max: 200 }),
    (Op::ModelCreate, "team", Kind::Reference),
    (Op::ModelCreate, "risk_level", Kind::Enum),
    (Op::ModelCreate, "compliance_required", Kind::Bool),
    (Op::ModelUpdate, "name", Kind::Name { max: 200, unique: true }),
    (Op::ModelUpdate, "description", Kind::Description { max: 10_000 }),
    (Op::ModelUpdate, "use_case", Kind::Text { max: 200 }),
    (Op::ModelUpdate, "team", Kind::Reference),
    (Op::ModelUpdate, "risk_level", Kind::Enum),
    (Op::ModelUpdate, "compliance_required", Kind::Bool),
    (Op::ModelUpdate, "is_active", Kind::Bool),
    (Op::TagAdd, "tag", Kind::Name { max: 50, unique: true }),
    (Op::TagUpdate, "description", Kind::Description { max: 10_000 }),
    (Op::VersionRegister, "semver", Kind::Semver),
    (Op::VersionRegister, "artifact_uri", Kind::Required { max: 500 }),
    (Op::VersionRegister, "framework", Kind::Enum),
    (Op::VersionRegister, "framework_version", Kind::Text { max: 50 }),
    (Op::VersionRegister, "python_version", Kind::Text { max: 20 }),
    (Op::VersionRegister, "size_bytes", Kind::Int { bits: 64, max: None }),
    (Op::VersionRegister, "checksum_sha256", Kind::Checksum),
    (Op::VersionRegister, "metadata", Kind::Json),
    (Op::VersionRegister, "description", Kind::Description { max: 10_000 }),
    (Op::VersionUpdate, "description", Kind::Description { max: 10_000 }),
    (Op::VersionUpdate, "metadata", Kind::Json),
    (Op::VersionUpdate, "framework_version", Kind::Text { max: 50 }),
    (Op::VersionUpdate, "python_version", Kind::Text { max: 20 }),
    (Op::VersionUpdate, "size_bytes", Kind::Int { bits: 64, max: None }),
    (Op::VersionUpdate, "checksum_sha256", Kind::Checksum),
    (Op::VersionStatus, "status", Kind::Enum),
    (Op::AliasSet, "alias", Kind::Alias),
    (
        Op::RunStart,
        "run_name",
        Kind::Name {
            max: 200,
            unique: false,
        },
    ),
    (Op::RunStart, "started_at", Kind::Time),
    (
        Op::RunStart,
        "gpu_hours",
        Kind::Float {
            max: Some(MAX_GPU_HOURS),
        },
    ),
    (
        Op::RunStart,
        "cost_usd",
        Kind::Float {
            max: Some(MAX_COST_USD),
        },
    ),
    (Op::RunStart, "dataset_name", Kind::Text { max: 200 }),
    (Op::RunStart, "dataset_version", Kind::Text { max: 50 }),
    (Op::RunStart, "hyperparameters", Kind::Json),
    (Op::RunStart, "environment", Kind::Json),
    (Op::RunStart, "created_by", Kind::Text { max: 100 }),
    (Op::RunFinish, "status", Kind::Enum),
    (Op::RunFinish, "completed_at", Kind::Time),
    (
        Op::RunFinish,
        "duration_seconds",
        Kind::Int {
            bits: 64,
            max: Some(MAX_DURATION_SECONDS),
        },
    ),
    (
        Op::RunFinish,
        "gpu_hours",
        Kind::Float {
            max: Some(MAX_GPU_HOURS),
        },
    ),
    (
        Op::RunFinish,
        "cost_usd",
        Kind::Float {
            max: Some(MAX_COST_USD),
        },
    ),
    (
        Op::MetricRecord,
        "name",
        Kind::Name {
            max: 100,
            unique: false,
        },
    ),
    (Op::MetricRecord, "value", Kind::Float { max: None }),
    (Op::MetricRecord, "split", Kind::Enum),
    (Op::MetricRecord, "recorded_at", Kind::Time),
    (Op::EnvironmentCreate, "name", Kind::Name { max: 50, unique: true }),
    (Op::EnvironmentCreate, "kind", Kind::Enum),
    (Op::EnvironmentCreate, "region", Kind::Text { max: 50 }),
    (Op::EnvironmentCreate, "kubernetes_namespace", Kind::Text { max: 100 }),
    (Op::EnvironmentCreate, "config", Kind::Json),
    (Op::EnvironmentUpdate, "name", Kind::Name { max: 50, unique: true }),
    (Op::EnvironmentUpdate, "kind", Kind::Enum),
    (Op::EnvironmentUpdate, "region", Kind::Text { max: 50 }),
    (Op::EnvironmentUpdate, "kubernetes_namespace", Kind::Text { max: 100 }),
    (Op::EnvironmentUpdate, "config", Kind::Json),
    (Op::EnvironmentUpdate, "is_active", Kind::Bool),
    (
        Op::DeploymentCreate,
        "name",
        Kind::Name {
            max: 200,
            unique: false,
        },
    ),
    (Op::DeploymentCreate, "status", Kind::Enum),
    (Op::DeploymentCreate, "endpoint_url", Kind::Text { max: 500 }),
    (Op::DeploymentCreate, "replicas", Kind::Int { bits: 32, max: None }),
    (Op::DeploymentCreate, "cpu_request", Kind::Text { max: 20 }),
    (Op::DeploymentCreate, "memory_request", Kind::Text { max: 20 }),
    (Op::DeploymentCreate, "gpu_count", Kind::Int { bits: 32, max: None }),
    (Op::DeploymentStatus, "status", Kind::Enum),
    (Op::DeploymentScale, "replicas", Kind::Int { bits: 32, max: None }),
    (
        Op::Actor,
        "actor",
        Kind::Name {
            max: 100,
            unique: false,
        },
    ),
];

/// The characters one-line texts refuse, with the rule each breaks.
const LINE_CHARS: &[Rule] = &[
    Rule::Control('\u{1b}'),
    Rule::Control('\n'),
    Rule::Control('\t'),
    Rule::Control('\u{85}'),
    Rule::Format('\u{202E}'),
    Rule::Format('\u{200B}'),
    Rule::Format('\u{FEFF}'),
    Rule::Separator('\u{2028}'),
    Rule::Separator('\u{2029}'),
    Rule::Nul,
];

/// The characters descriptions refuse (they may hold newlines and tabs).
const DESCRIPTION_CHARS: &[Rule] = &[
    Rule::Control('\u{7}'),
    Rule::Control('\u{1b}'),
    Rule::Control('\u{85}'),
    Rule::Format('\u{202E}'),
    Rule::Format('\u{200B}'),
    Rule::Format('\u{FEFF}'),
    Rule::Separator('\u{2028}'),
    Rule::Separator('\u{2029}'),
    Rule::Nul,
];

fn text(s: impl Into<String>) -> Bad {
    Bad::Text(s.into())
}

fn raw(s: impl Into<String>) -> Bad {
    Bad::Json(s.into())
}

/// `prefix` with the rule's character inside it.
fn with_char(rule: Rule, prefix: &str) -> Bad {
    let c = match rule {
        Rule::Control(c) | Rule::Format(c) | Rule::Separator(c) => c,
        Rule::Nul => '\0',
        other => unreachable!("{other:?} is not a character rule"),
    };
    text(format!("{prefix}{c}x"))
}

/// `{"a": {"a": … {}}}`, nested `levels` deep (the outer object is level 1).
pub fn nested_object(levels: usize) -> String {
    let mut text = "{}".to_owned();
    for _ in 1..levels {
        text = format!("{{\"a\":{text}}}");
    }
    text
}

/// `{"a": [[…[1]…]]}`: an object holding arrays, `levels` deep in all.
pub fn nested_arrays(levels: usize) -> String {
    let mut text = "1".to_owned();
    for _ in 1..levels {
        text = format!("[{text}]");
    }
    format!("{{\"a\":{text}}}")
}

/// `{"a":"xxx…"}` of exactly `bytes` bytes.
pub fn object_of_bytes(bytes: usize) -> String {
    format!("{{\"a\":\"{}\"}}", "x".repeat(bytes - 8))
}

/// The bad values of a field of `kind`.
fn values(kind: Kind) -> Vec<(Rule, Bad)> {
    let mut out = Vec::new();
    let chars = |out: &mut Vec<(Rule, Bad)>, set: &[Rule], prefix: &str| {
        for &rule in set {
            out.push((rule, with_char(rule, prefix)));
        }
    };
    match kind {
        Kind::Name { max, unique } => {
            out.push((Rule::Empty, text("")));
            out.push((Rule::TooLong, text("n".repeat(max + 1))));
            out.push((Rule::LeadingWhitespace, text(" leading")));
            out.push((Rule::TrailingWhitespace, text("trailing ")));
            chars(&mut out, LINE_CHARS, "a");
            if unique {
                out.push((Rule::NotNfc, text(LOOK_ALIKE)));
            }
            out.push((Rule::WrongType, raw("42")));
        }
        Kind::Text { max } | Kind::Required { max } => {
            if matches!(kind, Kind::Required { .. }) {
                out.push((Rule::Empty, text("")));
            }
            out.push((Rule::TooLong, text("t".repeat(max + 1))));
            chars(&mut out, LINE_CHARS, "a");
            out.push((Rule::WrongType, raw("42")));
        }
        Kind::Description { max } => {
            out.push((Rule::TooLong, text("d".repeat(max + 1))));
            chars(&mut out, DESCRIPTION_CHARS, "line one\nline two ");
            out.push((Rule::WrongType, raw("[\"line\"]")));
        }
        Kind::Semver => {
            out.push((Rule::Empty, text("")));
            out.push((Rule::TooLong, text(format!("1.0.0-{}", "a".repeat(45)))));
            out.push((Rule::NotSemver, text("1.x")));
            out.push((Rule::LeadingWhitespace, text(" 1.0.1")));
            out.push((Rule::TrailingWhitespace, text("1.0.1 ")));
            chars(&mut out, LINE_CHARS, "1.0.1-a");
            out.push((Rule::WrongType, raw("100")));
        }
        Kind::Alias => {
            out.push((Rule::Empty, text("")));
            out.push((Rule::TooLong, text("a".repeat(51))));
            out.push((Rule::UpperCase, text("Shadow")));
            out.push((Rule::Reserved, text("latest")));
            out.push((Rule::SemverLike, text("1.2.0")));
            out.push((Rule::LeadingWhitespace, text(" shadow")));
            chars(
                &mut out,
                &[Rule::Control('\n'), Rule::Format('\u{202E}'), Rule::Nul],
                "shadow",
            );
        }
        Kind::Checksum => {
            out.push((Rule::WrongLength, text("abc123")));
            out.push((Rule::WrongLength, text("a".repeat(65))));
            out.push((Rule::NotHex, text("g".repeat(64))));
            out.push((Rule::WrongType, raw("42")));
        }
        Kind::Enum => {
            out.push((Rule::UnknownValue, text("bogus")));
            out.push((Rule::WrongType, raw("7")));
        }
        Kind::Bool => out.push((Rule::WrongType, raw("\"yes\""))),
        Kind::Json => {
            out.push((Rule::NotObject, raw("[1,2]")));
            out.push((Rule::NotObject, raw("\"text\"")));
            out.push((Rule::NotObject, raw("42")));
            out.push((Rule::TooDeep, raw(nested_object(MAX_JSON_DEPTH + 1))));
            out.push((Rule::TooDeep, raw(nested_arrays(MAX_JSON_DEPTH + 1))));
            out.push((Rule::TooLarge, raw(object_of_bytes(MAX_JSON_BYTES + 1))));
            out.push((Rule::NulInString, raw(r#"{"a":"x\u0000y"}"#)));
            out.push((Rule::NulInKey, raw(r#"{"a\u0000":1}"#)));
            out.push((Rule::BigInteger, raw(r#"{"a":18446744073709551616}"#)));
            out.push((Rule::BigInteger, raw(r#"{"a":[-9223372036854775809]}"#)));
        }
        Kind::Float { max } => {
            if let Some(max) = max {
                out.push((Rule::Negative, Bad::Float(-1.0)));
                out.push((Rule::BeyondBound, Bad::Float(max * 1.5)));
            }
            out.push((Rule::NaN, Bad::Float(f64::NAN)));
            out.push((Rule::Infinity, Bad::Float(f64::INFINITY)));
            out.push((Rule::NegativeInfinity, Bad::Float(f64::NEG_INFINITY)));
            out.push((Rule::BeyondFloat, raw("1e999")));
            out.push((Rule::WrongType, raw("\"1.5\"")));
        }
        Kind::Int { bits, max } => {
            out.push((Rule::Negative, Bad::Int(-1)));
            if let Some(max) = max {
                out.push((Rule::BeyondBound, Bad::Int(max + 1)));
            }
            let beyond = if bits == 32 {
                "2147483648"
            } else {
                "9223372036854775808"
            };
            out.push((Rule::BeyondType, raw(beyond)));
            out.push((Rule::Fraction, raw("1.5")));
            out.push((Rule::WrongType, raw("\"3\"")));
        }
        Kind::Time => {
            out.push((Rule::NotATime, raw("\"yesterday\"")));
            out.push((Rule::WrongType, raw("12")));
        }
        Kind::Reference => out.push((Rule::WrongType, raw("42"))),
    }
    out
}

/// Rows the field kinds alone do not give: values of a set an operation refuses.
fn special_rows() -> Vec<(Op, &'static str, Kind, Rule, Bad)> {
    vec![
        (Op::RunFinish, "status", Kind::Enum, Rule::RefusedValue, text("running")),
        (
            Op::RunFinish,
            "completed_at",
            Kind::Time,
            Rule::BeforeStart,
            raw("\"2000-01-01T00:00:00Z\""),
        ),
        (
            Op::DeploymentCreate,
            "status",
            Kind::Enum,
            Rule::RefusedValue,
            text("terminated"),
        ),
    ]
}

const RUST_TYPE: &str =
    "the field's Rust type cannot hold it: serde refuses it before any operation of the library runs";
const NO_JSON_NUMBER: &str = "JSON has no NaN or infinity (the 1e999 row covers a number too large for a float)";
const STORED_MAY_HOLD: &str = "a stored record may hold it: the rule belongs to the operation, not to the record";
const TOKEN_ACTOR: &str = "the actor is the name of the caller's API token, fixed when the server starts";
const EMPTY_SEGMENT: &str = "an empty path segment names no route";
const PATH_TEXT: &str = "the tag is a path segment, which is always text";
const FLAG_TYPE: &str = "a flag's value is text: the flag parser fixes its type";
const NO_TIME_FLAG: &str = "no flag sets a timestamp";
const NUL_ARGUMENT: &str = "a process argument cannot hold NUL";
const COVERED: &str = "the same record field is corrupted with the same value by an earlier row";

/// Why `row` does not apply to `entry`, when it does not.
fn reason(row: &Row, entry: EntryPoint) -> Option<&'static str> {
    let rule = row.rule;
    match entry {
        EntryPoint::Library => matches!(
            rule,
            Rule::WrongType | Rule::BeyondType | Rule::Fraction | Rule::BeyondFloat | Rule::NotATime
        )
        .then_some(RUST_TYPE),
        EntryPoint::Import => match rule {
            Rule::NaN | Rule::Infinity | Rule::NegativeInfinity => Some(NO_JSON_NUMBER),
            Rule::RefusedValue | Rule::BeforeStart => Some(STORED_MAY_HOLD),
            _ => None,
        },
        EntryPoint::Http => match (row.op, rule) {
            (Op::Actor, _) => Some(TOKEN_ACTOR),
            (_, Rule::NaN | Rule::Infinity | Rule::NegativeInfinity) => Some(NO_JSON_NUMBER),
            (Op::TagAdd, Rule::Empty) => Some(EMPTY_SEGMENT),
            (Op::TagAdd, Rule::WrongType) => Some(PATH_TEXT),
            _ => None,
        },
        EntryPoint::Cli => match (row.op, row.kind, rule) {
            (_, Kind::Time, _) => Some(NO_TIME_FLAG),
            (_, _, Rule::WrongType) => Some(FLAG_TYPE),
            (_, _, Rule::Nul) => Some(NUL_ARGUMENT),
            _ => None,
        },
    }
}

/// The table: every field of [`FIELDS`] against every rule of its kind, then the special rows.
pub fn table() -> Vec<Row> {
    let mut rows: Vec<Row> = Vec::new();
    let generated = FIELDS.iter().flat_map(|&(op, field, kind)| {
        values(kind)
            .into_iter()
            .map(move |(rule, value)| (op, field, kind, rule, value))
    });
    for (op, field, kind, rule, value) in generated.chain(special_rows()) {
        let expect = match (rule, op) {
            (Rule::NotNfc, Op::TagAdd) => Expect::Same(field),
            (Rule::NotNfc, _) => Expect::Conflict(field),
            _ => Expect::Invalid(field),
        };
        let mut row = Row {
            op,
            field,
            kind,
            rule,
            value,
            expect,
            not_applicable: Default::default(),
        };
        for entry in EntryPoint::ALL {
            row.not_applicable[entry.index()] = reason(&row, entry).map(str::to_owned);
        }
        // An export holds whole records: a field an earlier row already
        // corrupts with the same rule is covered there.
        if row.not_applicable[EntryPoint::Import.index()].is_none() {
            let target = row.import_target();
            let earlier = rows.iter().find(|r| {
                r.applies(EntryPoint::Import).is_ok()
                    && r.import_target() == target
                    && r.rule == row.rule
                    && r.value == row.value
            });
            if let Some(earlier) = earlier {
                row.not_applicable[EntryPoint::Import.index()] = Some(format!("{COVERED} ({})", earlier.label()));
            }
        }
        rows.push(row);
    }
    rows
}

/// The table's size, and how much of it `entry` runs, in one line for the test output.
pub fn report(rows: &[Row], entry: EntryPoint) -> String {
    let pairs = rows.len() * EntryPoint::ALL.len();
    let applicable: usize = EntryPoint::ALL
        .iter()
        .map(|&e| rows.iter().filter(|r| r.applies(e).is_ok()).count())
        .sum();
    let mut reasons: BTreeMap<&str, usize> = BTreeMap::new();
    for row in rows {
        if let Err(why) = row.applies(entry) {
            let why = if why.starts_with(COVERED) { COVERED } else { why };
            *reasons.entry(why).or_default() += 1;
        }
    }
    let run = rows.len() - reasons.values().sum::<usize>();
    let mut line = format!(
        "bad-input table: {} rows x {} entry points = {pairs} (row, entry point) pairs, {applicable} applicable; {entry}: {run} rows run",
        rows.len(),
        EntryPoint::ALL.len()
    );
    for (why, count) in reasons {
        line.push_str(&format!("; {count} not applicable: {why}"));
    }
    line
}

/// What every entry point runs the table against: a name of each unique
/// kind taken in NFC ([`TAKEN`]), and the parents the operations write under.
#[derive(Debug, Clone, Copy)]
pub struct Fixture {
    /// `parent@1.0.0`.
    pub version: Uuid,
    /// A running run of the parent version.
    pub run: Uuid,
    /// A deploying deployment of the parent version in the parent environment.
    pub deployment: Uuid,
}

/// Creates the fixture in `reg` through its operations.
pub async fn prepare(reg: &(impl AsApi + ?Sized)) -> Fixture {
    let reg = reg.api();
    for name in [TAKEN, PARENT_TEAM] {
        reg.create_team(NewTeam::named(name)).await.expect("a team");
    }
    for name in [TAKEN, PARENT_MODEL] {
        reg.create_model(NewModel::named(name)).await.expect("a model");
    }
    let parent = Ref::name(PARENT_MODEL);
    reg.add_tag(&parent, TAKEN).await.expect("a tag");
    let new = NewVersion::new(PARENT_SEMVER, "s3://bad-input/parent.onnx", Framework::Onnx);
    let version = reg.register_version(&parent, new).await.expect("a version");
    let at = VersionRef::Id(version.id);
    reg.set_alias(&at, PARENT_ALIAS).await.expect("an alias");
    let run = reg.start_run(&at, NewRun::named("parent-run")).await.expect("a run");
    reg.record_metric(&at, NewMetric::new("auc", 0.5, Split::Test))
        .await
        .expect("a metric");
    reg.create_environment(NewEnvironment::new(TAKEN, EnvironmentKind::Sandbox))
        .await
        .expect("an environment");
    let env = reg
        .create_environment(NewEnvironment::new(PARENT_ENV, EnvironmentKind::Staging))
        .await
        .expect("an environment");
    let deployment = reg
        .deploy(
            &at,
            &env.id.into(),
            modelreg_core::deployments::NewDeployment::named("parent-deployment"),
        )
        .await
        .expect("a deployment");
    Fixture {
        version: version.id,
        run: run.id,
        deployment: deployment.id,
    }
}

/// What "the registry is unchanged" compares: its stats and the length of its audit trail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Footprint {
    pub stats: Stats,
    pub audit_events: usize,
}

/// The registry's [`Footprint`] now.
pub async fn footprint(reg: &(impl AsApi + ?Sized)) -> Footprint {
    let reg = reg.api();
    let stats = reg.stats().await.expect("stats");
    let audit_events = reg
        .recent_audit(Page::first(10_000).expect("a page"))
        .await
        .expect("the audit trail")
        .len();
    Footprint { stats, audit_events }
}

/// Panics with every failed row when there are any.
#[track_caller]
pub fn assert_no_failures(entry: &str, run: usize, failures: &[String]) {
    assert!(
        failures.is_empty(),
        "{entry}: {} of {run} bad-input rows failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_covers_every_field_and_marks_what_does_not_apply() {
        let rows = table();
        for &(op, field, _) in FIELDS {
            assert!(rows.iter().any(|r| r.op == op && r.field == field), "{op} {field}");
        }
        assert!(rows.len() > 400, "{} rows", rows.len());
        for row in &rows {
            let not_yet = row.not_applicable.iter().flatten().any(|why| why.contains("yet"));
            assert!(
                not_yet || EntryPoint::ALL.iter().any(|&e| row.applies(e).is_ok()),
                "{} applies nowhere",
                row.label()
            );
            if row.op.base_body("row-1").is_some() && row.value.json_text().is_some() {
                let body = row.body("row-1").unwrap();
                if !matches!(row.rule, Rule::BigInteger | Rule::BeyondFloat) {
                    serde_json::from_str::<Value>(&body).unwrap_or_else(|e| panic!("{}: {e}: {body}", row.label()));
                }
            }
        }
        assert_eq!(object_of_bytes(100).len(), 100);
        let deep: Value = serde_json::from_str(&nested_object(3)).unwrap();
        assert_eq!(deep, json!({"a": {"a": {}}}));
        assert_eq!(
            serde_json::from_str::<Value>(&nested_arrays(3)).unwrap(),
            json!({"a": [[1]]})
        );
        assert!(report(&rows, EntryPoint::Cli).contains("rows run"));
    }
}
