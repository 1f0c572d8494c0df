//! The command line: nouns, then verbs (like `gh` or `kubectl`).

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};
use modelreg_core::deployments::DeploymentStatus;
use modelreg_core::environments::EnvironmentKind;
use modelreg_core::metrics::Split;
use modelreg_core::models::RiskLevel;
use modelreg_core::runs::RunStatus;
use modelreg_core::versions::{Framework, VersionStatus};

/// modelreg: an ML model registry. With no configuration it keeps the whole
/// registry in one SQLite file in your data directory; point it at
/// PostgreSQL with --database-url, MODELREG_DATABASE_URL or a config file.
///
/// Models, teams and environments are named; versions are MODEL@SEMVER
/// (or MODEL SEMVER); runs and deployments are addressed by id.
#[derive(Debug, Parser)]
#[command(name = "modelreg", version, max_term_width = 100)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Command,
}

/// Options every command takes (they override the config file and environment).
#[derive(Debug, Args)]
pub struct GlobalArgs {
    /// Database to use: sqlite://PATH, sqlite::memory: or postgres://USER@HOST/DB
    #[arg(long, global = true, value_name = "URL")]
    pub database_url: Option<String>,
    /// Read configuration from this TOML file (on top of the usual ones)
    #[arg(long, global = true, value_name = "PATH")]
    pub config: Option<PathBuf>,
    /// Who is making changes, as recorded in the audit trail (default: your user name)
    #[arg(long, global = true)]
    pub actor: Option<String>,
    /// How to print results
    #[arg(long, short = 'o', global = true, value_enum)]
    pub output: Option<OutputFormat>,
}

/// How results are printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum OutputFormat {
    /// Tables for people
    Table,
    /// Stable JSON for scripts
    Json,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Teams that own models
    #[command(subcommand)]
    Team(TeamCmd),
    /// Models, their tags and summaries
    #[command(subcommand)]
    Model(ModelCmd),
    /// Versions of a model (MODEL@SEMVER)
    #[command(subcommand)]
    Version(VersionCmd),
    /// Training runs and their cost
    #[command(subcommand)]
    Run(RunCmd),
    /// Metrics measured on a version
    #[command(subcommand)]
    Metric(MetricCmd),
    /// Environments that versions are deployed into
    #[command(subcommand)]
    Env(EnvCmd),
    /// Deployments of versions into environments
    #[command(subcommand)]
    Deploy(DeployCmd),
    /// The audit trail of every change
    #[command(subcommand)]
    Audit(AuditCmd),
    /// Reports across the registry
    #[command(subcommand)]
    Report(ReportCmd),
    /// Count every kind of entity in the registry
    Stats,
    /// Fill an empty registry with a realistic sample (teams, models, versions, runs, deployments)
    Seed,
    /// Show the effective configuration (and where each value came from), the backend and the schema
    Info,
    /// Check that the database can be reached and is migrated
    TestConnection,
    /// Create or migrate the registry schema (same as `db upgrade`)
    Init,
    /// Schema migrations and maintenance
    #[command(subcommand)]
    Db(DbCmd),
    /// Write the whole registry (ids, timestamps, audit trail) as JSON Lines
    Export {
        /// The file to write (default: standard output)
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Load an export into the registry, all or nothing
    Import {
        /// The export file
        file: PathBuf,
        /// Import into a registry that has records: records whose id exists are kept and skipped;
        /// a record taking another record's name fails the import
        #[arg(long)]
        merge: bool,
    },
    /// Copy every record from one database to another (sqlite:// or postgres://), all or nothing
    Copy {
        /// The database to read
        #[arg(long, value_name = "URL")]
        from: String,
        /// The database to write (empty, unless --merge)
        #[arg(long, value_name = "URL")]
        to: String,
        /// Copy into a database that has records (see `import --merge`)
        #[arg(long)]
        merge: bool,
    },
    /// Serve the registry over HTTP (JSON under /v1, OpenAPI at /openapi.json)
    Serve {
        /// Address to listen on (default from configuration: 127.0.0.1:8080)
        #[arg(long)]
        listen: Option<String>,
        /// Allow a non-loopback address without API tokens
        #[arg(long)]
        insecure_no_auth: bool,
    },
    /// Measure the registry on a scratch database (a temporary SQLite file, or a scratch schema with --database-url postgres://…)
    Bench(BenchArgs),
    /// One writer process of `bench` (internal)
    #[command(hide = true)]
    BenchWriter {
        #[arg(long)]
        model: String,
        #[arg(long)]
        seconds: u64,
    },
    /// Print a shell completion script
    Completions {
        /// The shell to complete for
        shell: clap_complete::Shell,
    },
}

/// The workload of `modelreg bench`.
#[derive(Debug, Args, Clone)]
pub struct BenchArgs {
    /// Models to create (phase a)
    #[arg(long, default_value_t = 100)]
    pub models: usize,
    /// Versions to register per model (phase b)
    #[arg(long, default_value_t = 20)]
    pub versions_per_model: usize,
    /// Lookups in phases c, d and e
    #[arg(long, default_value_t = 1000)]
    pub lookups: usize,
    /// Searches in phase d
    #[arg(long, default_value_t = 200)]
    pub searches: usize,
    /// Concurrent writers in phases f and g
    #[arg(long, default_value_t = 4)]
    pub workers: usize,
    /// How long the writers of phase f write
    #[arg(long, default_value_t = 10)]
    pub seconds: u64,
    /// Scale mode: bulk-load this many versions (over up to 10,000 models, with runs,
    /// metrics and audit events), then measure phases c, d and e at that size
    #[arg(long)]
    pub scale: Option<usize>,
    /// Keep the scratch SQLite file afterwards (its path is printed), e.g. to time `copy` on it
    #[arg(long)]
    pub keep: bool,
}

/// Paging of a listing.
#[derive(Debug, Args, Clone, Copy)]
pub struct PageArgs {
    /// At most this many results (1..=10000)
    #[arg(long, default_value_t = 100)]
    pub limit: u32,
    /// Skip this many results first
    #[arg(long, default_value_t = 0)]
    pub offset: u64,
}

/// A version: MODEL@SEMVER, or MODEL and SEMVER as two arguments.
#[derive(Debug, Args, Clone)]
pub struct VersionArg {
    /// The version as MODEL@SEMVER (or the model name, followed by SEMVER)
    #[arg(value_name = "MODEL@SEMVER")]
    pub target: String,
    /// The semver, when MODEL is given on its own
    #[arg(value_name = "SEMVER")]
    pub semver: Option<String>,
}

/// Skips the confirmation prompt.
#[derive(Debug, Args, Clone, Copy)]
pub struct YesArg {
    /// Do not ask for confirmation
    #[arg(long, short = 'y')]
    pub yes: bool,
}

#[derive(Debug, Subcommand)]
pub enum TeamCmd {
    /// Create a team
    Create {
        name: String,
        #[arg(long)]
        department: Option<String>,
        #[arg(long)]
        cost_center: Option<String>,
    },
    /// List teams by name (active ones unless --all)
    List {
        /// Include inactive teams
        #[arg(long)]
        all: bool,
        #[command(flatten)]
        page: PageArgs,
    },
    /// Show a team with its metrics (models, versions, runs, deployments, GPU hours, cost)
    Show { name: String },
    /// Change a team's fields
    Update {
        name: String,
        /// New name
        #[arg(long)]
        rename: Option<String>,
        #[arg(long)]
        department: Option<String>,
        #[arg(long)]
        cost_center: Option<String>,
    },
    /// Mark a team inactive (its models are kept)
    Deactivate { name: String },
    /// Delete a team; its models stay, with no team
    Delete {
        name: String,
        #[command(flatten)]
        yes: YesArg,
    },
}

#[derive(Debug, Subcommand)]
pub enum ModelCmd {
    /// Create a model
    Create {
        name: String,
        #[arg(long)]
        description: Option<String>,
        #[arg(long)]
        use_case: Option<String>,
        /// Owning team (by name)
        #[arg(long)]
        team: Option<String>,
        #[arg(long, value_parser = parse::<RiskLevel>)]
        risk: Option<RiskLevel>,
        /// The model needs a compliance review
        #[arg(long)]
        compliance: bool,
    },
    /// List models by name, with filters
    List {
        /// Only active models
        #[arg(long)]
        active: bool,
        /// Only models of this team
        #[arg(long)]
        team: Option<String>,
        /// Only models of this risk level
        #[arg(long, value_parser = parse::<RiskLevel>)]
        risk: Option<RiskLevel>,
        #[command(flatten)]
        page: PageArgs,
    },
    /// Show a model with its versions, tags and summary
    Show { name: String },
    /// Change a model's fields
    Update {
        name: String,
        /// New name
        #[arg(long)]
        rename: Option<String>,
        #[arg(long)]
        description: Option<String>,
        #[arg(long)]
        use_case: Option<String>,
        /// New owning team (by name)
        #[arg(long, conflicts_with = "no_team")]
        team: Option<String>,
        /// Remove the owning team
        #[arg(long)]
        no_team: bool,
        #[arg(long, value_parser = parse::<RiskLevel>)]
        risk: Option<RiskLevel>,
        #[arg(long)]
        compliance: Option<bool>,
        #[arg(long)]
        active: Option<bool>,
    },
    /// Find models whose name contains TERM (ignoring case)
    Search {
        term: String,
        #[command(flatten)]
        page: PageArgs,
    },
    /// Tag a model (the tag is created if new)
    Tag { name: String, tag: String },
    /// Remove a tag from a model
    Untag { name: String, tag: String },
    /// List the models carrying a tag
    ByTag {
        tag: String,
        #[command(flatten)]
        page: PageArgs,
    },
    /// List every tag with the number of models carrying it
    Tags,
    /// Delete a model with its versions, runs, metrics and deployments
    Delete {
        name: String,
        #[command(flatten)]
        yes: YesArg,
    },
}

#[derive(Debug, Subcommand)]
pub enum VersionCmd {
    /// Register a new version of a model
    Register {
        #[command(flatten)]
        version: VersionArg,
        /// Where the artifact is stored (s3://…, gs://…, file://…)
        #[arg(long)]
        artifact: String,
        #[arg(long, value_parser = parse::<Framework>)]
        framework: Framework,
        #[arg(long)]
        framework_version: Option<String>,
        #[arg(long)]
        python_version: Option<String>,
        #[arg(long)]
        size_bytes: Option<i64>,
        /// SHA-256 of the artifact, 64 hex digits
        #[arg(long)]
        checksum: Option<String>,
        /// A JSON object of free-form metadata
        #[arg(long)]
        metadata: Option<String>,
    },
    /// List a model's versions, newest first
    List {
        model: String,
        #[arg(long, value_parser = parse::<VersionStatus>)]
        status: Option<VersionStatus>,
        #[command(flatten)]
        page: PageArgs,
    },
    /// Show a version
    Show {
        #[command(flatten)]
        version: VersionArg,
    },
    /// The version of highest SemVer precedence (releases above pre-releases)
    Latest {
        model: String,
        /// Only versions of this status
        #[arg(long, value_parser = parse::<VersionStatus>)]
        status: Option<VersionStatus>,
    },
    /// Move a version to a status (production archives the previous production version)
    SetStatus {
        #[command(flatten)]
        version: VersionArg,
        /// registered, validated, production, archived or deprecated
        #[arg(long, value_parser = parse::<VersionStatus>)]
        status: VersionStatus,
    },
    /// List every production version with its model
    Production,
    /// Delete a version with its runs, metrics and deployments
    Delete {
        #[command(flatten)]
        version: VersionArg,
        #[command(flatten)]
        yes: YesArg,
    },
}

#[derive(Debug, Subcommand)]
pub enum RunCmd {
    /// Start a training run of a version
    Start {
        #[command(flatten)]
        version: VersionArg,
        /// The run's name
        #[arg(long)]
        name: String,
        #[arg(long)]
        dataset: Option<String>,
        #[arg(long)]
        dataset_version: Option<String>,
        #[arg(long, default_value_t = 0.0)]
        gpu_hours: f64,
        #[arg(long)]
        cost_usd: Option<f64>,
        /// A JSON object
        #[arg(long)]
        hyperparameters: Option<String>,
        /// A JSON object describing the training environment
        #[arg(long)]
        environment: Option<String>,
        #[arg(long)]
        created_by: Option<String>,
    },
    /// End a running run
    Finish {
        /// The run's id
        id: String,
        /// succeeded, failed, cancelled or timeout
        #[arg(long, value_parser = parse::<RunStatus>)]
        status: RunStatus,
        #[arg(long)]
        gpu_hours: Option<f64>,
        #[arg(long)]
        cost_usd: Option<f64>,
        /// Length in seconds (default: since it started)
        #[arg(long)]
        duration_seconds: Option<i64>,
    },
    /// List runs of a version or of a model, newest first
    List {
        /// Runs of this version (MODEL@SEMVER)
        #[arg(long, conflicts_with = "model", required_unless_present = "model")]
        version: Option<String>,
        /// Runs of every version of this model
        #[arg(long)]
        model: Option<String>,
        #[arg(long, value_parser = parse::<RunStatus>)]
        status: Option<RunStatus>,
        #[command(flatten)]
        page: PageArgs,
    },
    /// Show a run
    Show { id: String },
    /// Total cost, GPU hours and run count: of everything, or of one model
    Cost {
        #[arg(long)]
        model: Option<String>,
    },
}

#[derive(Debug, Subcommand)]
pub enum MetricCmd {
    /// Record a metric of a version
    Record {
        #[command(flatten)]
        version: VersionArg,
        /// The metric's name (accuracy, f1, …)
        #[arg(long)]
        name: String,
        #[arg(long, allow_negative_numbers = true)]
        value: f64,
        /// train, validation, test or production
        #[arg(long, value_parser = parse::<Split>)]
        split: Split,
    },
    /// List a version's metrics, newest first
    List {
        #[command(flatten)]
        version: VersionArg,
        #[arg(long)]
        name: Option<String>,
        #[arg(long, value_parser = parse::<Split>)]
        split: Option<Split>,
        #[command(flatten)]
        page: PageArgs,
    },
    /// The newest value of each metric of a version
    Latest {
        #[command(flatten)]
        version: VersionArg,
    },
}

#[derive(Debug, Subcommand)]
pub enum EnvCmd {
    /// Create an environment
    Create {
        name: String,
        /// development, staging, production or sandbox
        #[arg(long, value_parser = parse::<EnvironmentKind>)]
        kind: EnvironmentKind,
        #[arg(long)]
        region: Option<String>,
        #[arg(long)]
        namespace: Option<String>,
        /// A JSON object
        #[arg(long)]
        config: Option<String>,
    },
    /// List environments by name (active ones unless --all)
    List {
        #[arg(long, value_parser = parse::<EnvironmentKind>)]
        kind: Option<EnvironmentKind>,
        /// Include inactive environments
        #[arg(long)]
        all: bool,
        #[command(flatten)]
        page: PageArgs,
    },
    /// Show an environment
    Show { name: String },
    /// Mark an environment inactive (it takes no new deployments)
    Deactivate { name: String },
}

#[derive(Debug, Subcommand)]
pub enum DeployCmd {
    /// Deploy a version into an environment
    Create {
        #[command(flatten)]
        version: VersionArg,
        /// The environment (by name)
        #[arg(long)]
        env: String,
        /// The deployment's name
        #[arg(long)]
        name: String,
        #[arg(long, default_value_t = 1)]
        replicas: i32,
        #[arg(long)]
        endpoint: Option<String>,
        #[arg(long)]
        cpu: Option<String>,
        #[arg(long)]
        memory: Option<String>,
        #[arg(long, default_value_t = 0)]
        gpus: i32,
        /// The initial status
        #[arg(long, value_parser = parse::<DeploymentStatus>, default_value = "deploying")]
        status: DeploymentStatus,
    },
    /// List deployments in an environment or of a version, newest first
    List {
        #[arg(long, conflicts_with = "version", required_unless_present = "version")]
        env: Option<String>,
        /// MODEL@SEMVER
        #[arg(long)]
        version: Option<String>,
        #[arg(long, value_parser = parse::<DeploymentStatus>)]
        status: Option<DeploymentStatus>,
        #[command(flatten)]
        page: PageArgs,
    },
    /// Healthy and degraded deployments, with what they serve and where
    Active,
    /// Show a deployment
    Show { id: String },
    /// Move a deployment to a status (terminated is final)
    SetStatus {
        id: String,
        #[arg(long, value_parser = parse::<DeploymentStatus>)]
        status: DeploymentStatus,
    },
    /// Set the number of replicas
    Scale { id: String, replicas: i32 },
    /// Terminate a deployment and redeploy the version that ran there before it
    Rollback { id: String },
    /// Terminate a deployment
    Terminate { id: String },
}

#[derive(Debug, Subcommand)]
pub enum AuditCmd {
    /// The most recent changes
    Recent {
        #[command(flatten)]
        page: PageArgs,
    },
    /// Changes made by one actor
    Actor {
        actor: String,
        #[command(flatten)]
        page: PageArgs,
    },
    /// Changes of one entity: team NAME, model NAME, environment NAME,
    /// model_version MODEL@SEMVER, or any TYPE with its UUID
    Entity {
        /// team, tag, model, model_version, training_run, metric, environment or deployment
        entity_type: String,
        /// A name (team, model, environment), MODEL@SEMVER, or a UUID
        key: String,
        #[command(flatten)]
        page: PageArgs,
    },
}

#[derive(Debug, Subcommand)]
pub enum ReportCmd {
    /// A team's models, versions, runs, deployments, GPU hours and cost
    Team { name: String },
    /// Deployments per status
    Deployments,
    /// Active models with no training run started in the last N days
    Stale {
        #[arg(long, default_value_t = 90)]
        days: u32,
    },
}

#[derive(Debug, Subcommand)]
pub enum DbCmd {
    /// The schema version and the migrations still to apply
    Status,
    /// Apply pending migrations (up to --to)
    Upgrade {
        #[arg(long)]
        to: Option<i64>,
    },
    /// Revert migrations down to --to (data in dropped tables is lost)
    Downgrade {
        #[arg(long)]
        to: i64,
        #[command(flatten)]
        yes: YesArg,
    },
    /// Migrations applied so far
    History,
    /// Delete everything and recreate an empty schema
    Reset {
        #[command(flatten)]
        yes: YesArg,
    },
    /// Remove every modelreg table
    Drop {
        #[command(flatten)]
        yes: YesArg,
    },
}

/// Parses any of the domain's closed sets, with the domain's own error message.
fn parse<T: std::str::FromStr<Err = modelreg_core::Error>>(s: &str) -> Result<T, String> {
    s.parse().map_err(|e: modelreg_core::Error| e.to_string())
}
