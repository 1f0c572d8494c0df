//! What a row of the table is: the entry points that run it, the operation
//! and field it writes, the kind of value the field holds, the rule its bad
//! value breaks, and the answer it must get.

use std::fmt;

use modelreg_core::store::RecordKind;
use serde_json::{Value, json};

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

    /// Its place in [`EntryPoint::ALL`] and in [`Row::not_applicable`].
    pub(super) fn index(self) -> usize {
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

impl Kind {
    /// A name of 1..=max characters that no other of its kind may take.
    pub const fn unique_name(max: usize) -> Kind {
        Kind::Name { max, unique: true }
    }

    /// A name of 1..=max characters that others of its kind may share.
    pub const fn shared_name(max: usize) -> Kind {
        Kind::Name { max, unique: false }
    }

    /// A finite float in `0..=max`.
    pub const fn float_up_to(max: f64) -> Kind {
        Kind::Float { max: Some(max) }
    }

    /// A 64-bit integer in `0..=max`.
    pub const fn int_up_to(max: i64) -> Kind {
        Kind::Int {
            bits: 64,
            max: Some(max),
        }
    }
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
