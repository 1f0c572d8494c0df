//! Each command: resolve names to entities, call the registry, print.

use std::io::{BufRead, IsTerminal, Write};

use modelreg_core::deployments::{DeploymentFilter, NewDeployment};
use modelreg_core::environments::{Environment, EnvironmentFilter, NewEnvironment};
use modelreg_core::metrics::{MetricFilter, NewMetric};
use modelreg_core::models::{Model, ModelFilter, ModelUpdate, NewModel};
use modelreg_core::runs::{NewRun, RunFilter, RunFinish};
use modelreg_core::teams::{NewTeam, Team, TeamFilter, TeamUpdate};
use modelreg_core::validate;
use modelreg_core::versions::{ModelVersion, NewVersion, VersionFilter};
use modelreg_core::{Actor, EntityKind, Error, Page, Registry, Result};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::args::*;
use crate::output::{Out, value};

const TEAM_COLUMNS: &[&str] = &["name", "department", "cost_center", "active", "created_at"];
const MODEL_COLUMNS: &[&str] = &[
    "name",
    "team",
    "risk_level",
    "compliance_required",
    "is_active",
    "use_case",
];
const VERSION_COLUMNS: &[&str] = &[
    "semver",
    "status",
    "framework",
    "artifact_uri",
    "size_bytes",
    "created_at",
];
const RUN_COLUMNS: &[&str] = &[
    "id",
    "run_name",
    "status",
    "started_at",
    "duration_seconds",
    "gpu_hours",
    "cost_usd",
];
const METRIC_COLUMNS: &[&str] = &["name", "value", "split", "recorded_at"];
const ENV_COLUMNS: &[&str] = &["name", "kind", "region", "kubernetes_namespace", "is_active"];
const DEPLOYMENT_COLUMNS: &[&str] = &[
    "id",
    "name",
    "status",
    "replicas",
    "version_id",
    "environment_id",
    "deployed_at",
];
const AUDIT_COLUMNS: &[&str] = &["timestamp", "actor", "action", "entity_type", "entity_id", "changes"];

/// What every command works with.
pub struct Ctx {
    pub reg: Registry,
    pub actor: Actor,
    pub out: Out,
}

fn page(p: PageArgs) -> Result<Page> {
    Page::new(p.offset, p.limit)
}

fn parse_id(field: &'static str, text: &str) -> Result<Uuid> {
    Uuid::parse_str(text.trim()).map_err(|_| Error::invalid(field, format!("{text:?} is not a UUID")))
}

fn json_arg(field: &'static str, text: Option<&str>) -> Result<validate::JsonObject> {
    text.map_or_else(
        || Ok(validate::JsonObject::new()),
        |t| validate::parse_json_object(field, t),
    )
}

/// Splits MODEL@SEMVER (or takes MODEL and SEMVER) into its two parts.
pub fn split_version(arg: &VersionArg) -> Result<(String, String)> {
    match (&arg.semver, arg.target.rsplit_once('@')) {
        (Some(semver), _) => Ok((arg.target.clone(), semver.clone())),
        (None, Some((model, semver))) if !model.is_empty() => Ok((model.to_owned(), semver.to_owned())),
        (None, _) => Err(Error::invalid(
            "version",
            format!(
                "{:?} names no version; write MODEL@SEMVER, e.g. fraud-detector@1.2.0",
                arg.target
            ),
        )),
    }
}

fn version_arg(text: &str) -> VersionArg {
    VersionArg {
        target: text.to_owned(),
        semver: None,
    }
}

/// Asks before destroying data; `--yes` skips the question, and without a terminal it is required.
pub fn confirm(question: &str, yes: YesArg) -> Result<()> {
    if yes.yes {
        return Ok(());
    }
    if !std::io::stdin().is_terminal() {
        return Err(Error::invalid(
            "yes",
            format!("{question}: confirm with --yes (no terminal to ask on)"),
        ));
    }
    eprint!("{question} [y/N] ");
    let _ = std::io::stderr().flush();
    let mut answer = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut answer)
        .map_err(|e| Error::backend(format!("cannot read the answer: {e}")))?;
    if matches!(answer.trim(), "y" | "Y" | "yes") {
        Ok(())
    } else {
        Err(Error::invalid("yes", "not confirmed; nothing was changed"))
    }
}

impl Ctx {
    async fn team(&self, name: &str) -> Result<Team> {
        self.reg.team_by_name(name).await
    }

    async fn model(&self, name: &str) -> Result<Model> {
        self.reg.model_by_name(name).await
    }

    async fn env(&self, name: &str) -> Result<Environment> {
        self.reg.environment_by_name(name).await
    }

    async fn version(&self, arg: &VersionArg) -> Result<ModelVersion> {
        let (model, semver) = split_version(arg)?;
        self.reg.version_by_name(&model, &semver).await
    }

    /// Models as JSON, with the owning team's name beside its id (for tables).
    async fn models_with_team_names(&self, models: &[Model]) -> Result<Vec<Value>> {
        let mut rows = Vec::with_capacity(models.len());
        let mut names = std::collections::HashMap::new();
        for m in models {
            let mut row = value(m)?;
            if let Some(team_id) = m.team_id {
                let name = match names.get(&team_id) {
                    Some(name) => String::clone(name),
                    None => {
                        let name = self.reg.team(team_id).await.map(|t| t.name).unwrap_or_default();
                        names.insert(team_id, name.clone());
                        name
                    }
                };
                row["team"] = json!(name);
            }
            rows.push(row);
        }
        Ok(rows)
    }

    async fn print_models(&self, models: &[Model]) -> Result<()> {
        match self.out.format {
            OutputFormat::Json => self.out.list(models, MODEL_COLUMNS),
            OutputFormat::Table => self
                .out
                .list(&self.models_with_team_names(models).await?, MODEL_COLUMNS),
        }
    }

    pub async fn team_cmd(&self, cmd: TeamCmd) -> Result<()> {
        match cmd {
            TeamCmd::Create {
                name,
                department,
                cost_center,
            } => {
                let new = NewTeam {
                    name,
                    department,
                    cost_center,
                };
                self.out.record(&self.reg.create_team(new, &self.actor).await?)
            }
            TeamCmd::List { all, page: p } => {
                let teams = self.reg.list_teams(TeamFilter { active_only: !all }, page(p)?).await?;
                self.out.list(&teams, TEAM_COLUMNS)
            }
            TeamCmd::Show { name } => {
                let team = self.team(&name).await?;
                let metrics = self.reg.team_metrics(team.id).await?;
                self.out
                    .sections(&[("team", value(&team)?, None), ("metrics", value(&metrics)?, None)])
            }
            TeamCmd::Update {
                name,
                rename,
                department,
                cost_center,
            } => {
                let team = self.team(&name).await?;
                let update = TeamUpdate {
                    name: rename,
                    department: department.map(Some),
                    cost_center: cost_center.map(Some),
                    active: None,
                };
                self.out
                    .record(&self.reg.update_team(team.id, update, &self.actor).await?)
            }
            TeamCmd::Deactivate { name } => {
                let team = self.team(&name).await?;
                self.out.record(&self.reg.deactivate_team(team.id, &self.actor).await?)
            }
            TeamCmd::Delete { name, yes } => {
                let team = self.team(&name).await?;
                confirm(&format!("Delete team {name}? Its models stay, with no team"), yes)?;
                self.reg.delete_team(team.id, &self.actor).await?;
                self.out.done(
                    &format!("deleted team {name}"),
                    json!({"deleted": "team", "id": team.id, "name": name}),
                )
            }
        }
    }

    pub async fn model_cmd(&self, cmd: ModelCmd) -> Result<()> {
        match cmd {
            ModelCmd::Create {
                name,
                description,
                use_case,
                team,
                risk,
                compliance,
            } => {
                let team_id = match team {
                    Some(t) => Some(self.team(&t).await?.id),
                    None => None,
                };
                let new = NewModel {
                    name,
                    description,
                    use_case,
                    team_id,
                    risk_level: risk.unwrap_or_default(),
                    compliance_required: compliance,
                };
                self.out.record(&self.reg.create_model(new, &self.actor).await?)
            }
            ModelCmd::List {
                active,
                team,
                risk,
                page: p,
            } => {
                let team_id = match team {
                    Some(t) => Some(self.team(&t).await?.id),
                    None => None,
                };
                let filter = ModelFilter {
                    active_only: active,
                    team_id,
                    risk_level: risk,
                };
                let models = self.reg.list_models(filter, page(p)?).await?;
                self.print_models(&models).await
            }
            ModelCmd::Show { name } => {
                let model = self.model(&name).await?;
                let full = self.reg.model_with_versions(model.id).await?;
                let tags: Vec<String> = self
                    .reg
                    .tags_of_model(model.id)
                    .await?
                    .into_iter()
                    .map(|t| t.name)
                    .collect();
                let summary = self.reg.model_summary(model.id).await?;
                self.out.sections(&[
                    ("model", value(&full.model)?, None),
                    ("tags", json!(tags), None),
                    ("summary", value(&summary)?, None),
                    ("versions", value(&full.versions)?, Some(VERSION_COLUMNS)),
                ])
            }
            ModelCmd::Update {
                name,
                rename,
                description,
                use_case,
                team,
                no_team,
                risk,
                compliance,
                active,
            } => {
                let model = self.model(&name).await?;
                let team_id = match (team, no_team) {
                    (Some(t), _) => Some(Some(self.team(&t).await?.id)),
                    (None, true) => Some(None),
                    (None, false) => None,
                };
                let update = ModelUpdate {
                    name: rename,
                    description: description.map(Some),
                    use_case: use_case.map(Some),
                    team_id,
                    risk_level: risk,
                    compliance_required: compliance,
                    is_active: active,
                };
                self.out
                    .record(&self.reg.update_model(model.id, update, &self.actor).await?)
            }
            ModelCmd::Search { term, page: p } => {
                let models = self.reg.search_models(&term, page(p)?).await?;
                self.print_models(&models).await
            }
            ModelCmd::Tag { name, tag } => {
                let model = self.model(&name).await?;
                let added = self.reg.add_tag(model.id, &tag, &self.actor).await?;
                let sentence = if added {
                    format!("tagged {name} with {tag}")
                } else {
                    format!("{name} already had tag {tag}")
                };
                self.out
                    .done(&sentence, json!({"model": name, "tag": tag, "added": added}))
            }
            ModelCmd::Untag { name, tag } => {
                let model = self.model(&name).await?;
                let removed = self.reg.remove_tag(model.id, &tag, &self.actor).await?;
                let sentence = if removed {
                    format!("removed tag {tag} from {name}")
                } else {
                    format!("{name} did not have tag {tag}")
                };
                self.out
                    .done(&sentence, json!({"model": name, "tag": tag, "removed": removed}))
            }
            ModelCmd::ByTag { tag, page: p } => {
                let models = self.reg.models_by_tag(&tag, page(p)?).await?;
                self.print_models(&models).await
            }
            ModelCmd::Tags => self.out.list(
                &self.reg.list_tags().await?,
                &["tag=tag.name", "model_count", "created_at=tag.created_at"],
            ),
            ModelCmd::Delete { name, yes } => {
                let model = self.model(&name).await?;
                let summary = self.reg.model_summary(model.id).await?;
                confirm(
                    &format!(
                        "Delete model {name} with its {} versions, {} runs and {} deployments?",
                        summary.version_count, summary.training_run_count, summary.deployment_count
                    ),
                    yes,
                )?;
                self.reg.delete_model(model.id, &self.actor).await?;
                self.out.done(
                    &format!("deleted model {name}"),
                    json!({"deleted": "model", "id": model.id, "name": name}),
                )
            }
        }
    }

    pub async fn version_cmd(&self, cmd: VersionCmd) -> Result<()> {
        match cmd {
            VersionCmd::Register {
                version,
                artifact,
                framework,
                framework_version,
                python_version,
                size_bytes,
                checksum,
                metadata,
            } => {
                let (model, semver) = split_version(&version)?;
                let model = self.model(&model).await?;
                let new = NewVersion {
                    semver,
                    artifact_uri: artifact,
                    framework,
                    framework_version,
                    python_version,
                    size_bytes,
                    checksum_sha256: checksum,
                    metadata: json_arg("metadata", metadata.as_deref())?,
                };
                self.out
                    .record(&self.reg.register_version(model.id, new, &self.actor).await?)
            }
            VersionCmd::List { model, status, page: p } => {
                let model = self.model(&model).await?;
                let versions = self
                    .reg
                    .list_versions(model.id, VersionFilter { status }, page(p)?)
                    .await?;
                self.out.list(&versions, VERSION_COLUMNS)
            }
            VersionCmd::Show { version } => self.out.record(&self.version(&version).await?),
            VersionCmd::Latest { model, status } => {
                let found = self.model(&model).await?;
                match self.reg.latest_version(found.id, status).await? {
                    Some(v) => self.out.record(&v),
                    None => Err(Error::NotFound {
                        entity: EntityKind::ModelVersion,
                        key: match status {
                            Some(s) => format!("{model}@latest ({s})"),
                            None => format!("{model}@latest"),
                        },
                    }),
                }
            }
            VersionCmd::SetStatus { version, status } => {
                let v = self.version(&version).await?;
                self.out
                    .record(&self.reg.set_version_status(v.id, status, &self.actor).await?)
            }
            VersionCmd::Production => self.out.list(
                &self.reg.production_versions().await?,
                &[
                    "model=model.name",
                    "semver=version.semver",
                    "framework=version.framework",
                    "artifact_uri=version.artifact_uri",
                    "created_at=version.created_at",
                ],
            ),
            VersionCmd::Delete { version, yes } => {
                let (model, semver) = split_version(&version)?;
                let v = self.reg.version_by_name(&model, &semver).await?;
                let label = format!("{model}@{semver}");
                confirm(
                    &format!("Delete version {label} with its runs, metrics and deployments?"),
                    yes,
                )?;
                self.reg.delete_version(v.id, &self.actor).await?;
                self.out.done(
                    &format!("deleted version {label}"),
                    json!({"deleted": "model_version", "id": v.id, "version": label}),
                )
            }
        }
    }

    pub async fn run_cmd(&self, cmd: RunCmd) -> Result<()> {
        match cmd {
            RunCmd::Start {
                version,
                name,
                dataset,
                dataset_version,
                gpu_hours,
                cost_usd,
                hyperparameters,
                environment,
                created_by,
            } => {
                let v = self.version(&version).await?;
                let new = NewRun {
                    run_name: name,
                    started_at: None,
                    gpu_hours,
                    cost_usd,
                    dataset_name: dataset,
                    dataset_version,
                    hyperparameters: json_arg("hyperparameters", hyperparameters.as_deref())?,
                    environment: json_arg("environment", environment.as_deref())?,
                    created_by,
                };
                self.out.record(&self.reg.start_run(v.id, new, &self.actor).await?)
            }
            RunCmd::Finish {
                id,
                status,
                gpu_hours,
                cost_usd,
                duration_seconds,
            } => {
                let finish = RunFinish {
                    status,
                    completed_at: None,
                    duration_seconds,
                    gpu_hours,
                    cost_usd,
                };
                self.out
                    .record(&self.reg.finish_run(parse_id("id", &id)?, finish, &self.actor).await?)
            }
            RunCmd::List {
                version,
                model,
                status,
                page: p,
            } => {
                let filter = RunFilter { status };
                let runs = match (version, model) {
                    (Some(v), _) => {
                        let v = self.version(&version_arg(&v)).await?;
                        self.reg.runs_of_version(v.id, filter, page(p)?).await?
                    }
                    (None, Some(m)) => {
                        let m = self.model(&m).await?;
                        self.reg.runs_of_model(m.id, filter, page(p)?).await?
                    }
                    (None, None) => {
                        return Err(Error::invalid(
                            "version",
                            "give --version MODEL@SEMVER or --model MODEL",
                        ));
                    }
                };
                self.out.list(&runs, RUN_COLUMNS)
            }
            RunCmd::Show { id } => self.out.record(&self.reg.run(parse_id("id", &id)?).await?),
            RunCmd::Cost { model } => {
                let model_id = match model {
                    Some(m) => Some(self.model(&m).await?.id),
                    None => None,
                };
                self.out.record(&self.reg.cost_summary(model_id).await?)
            }
        }
    }

    pub async fn metric_cmd(&self, cmd: MetricCmd) -> Result<()> {
        match cmd {
            MetricCmd::Record {
                version,
                name,
                value,
                split,
            } => {
                let v = self.version(&version).await?;
                let metric = self
                    .reg
                    .record_metric(v.id, NewMetric::new(name, value, split), &self.actor)
                    .await?;
                self.out.record(&metric)
            }
            MetricCmd::List {
                version,
                name,
                split,
                page: p,
            } => {
                let v = self.version(&version).await?;
                let metrics = self
                    .reg
                    .metrics_of_version(v.id, &MetricFilter { name, split }, page(p)?)
                    .await?;
                self.out.list(&metrics, METRIC_COLUMNS)
            }
            MetricCmd::Latest { version } => {
                let v = self.version(&version).await?;
                self.out.list(&self.reg.latest_metrics(v.id).await?, METRIC_COLUMNS)
            }
        }
    }

    pub async fn env_cmd(&self, cmd: EnvCmd) -> Result<()> {
        match cmd {
            EnvCmd::Create {
                name,
                kind,
                region,
                namespace,
                config,
            } => {
                let new = NewEnvironment {
                    name,
                    kind,
                    region,
                    kubernetes_namespace: namespace,
                    config: json_arg("config", config.as_deref())?,
                };
                self.out.record(&self.reg.create_environment(new, &self.actor).await?)
            }
            EnvCmd::List { kind, all, page: p } => {
                let filter = EnvironmentFilter {
                    kind,
                    active_only: !all,
                };
                self.out
                    .list(&self.reg.list_environments(filter, page(p)?).await?, ENV_COLUMNS)
            }
            EnvCmd::Show { name } => self.out.record(&self.env(&name).await?),
            EnvCmd::Deactivate { name } => {
                let env = self.env(&name).await?;
                self.out
                    .record(&self.reg.deactivate_environment(env.id, &self.actor).await?)
            }
        }
    }

    pub async fn deploy_cmd(&self, cmd: DeployCmd) -> Result<()> {
        match cmd {
            DeployCmd::Create {
                version,
                env,
                name,
                replicas,
                endpoint,
                cpu,
                memory,
                gpus,
                status,
            } => {
                let v = self.version(&version).await?;
                let env = self.env(&env).await?;
                let new = NewDeployment {
                    name,
                    status,
                    endpoint_url: endpoint,
                    replicas,
                    cpu_request: cpu,
                    memory_request: memory,
                    gpu_count: gpus,
                };
                self.out.record(&self.reg.deploy(v.id, env.id, new, &self.actor).await?)
            }
            DeployCmd::List {
                env,
                version,
                status,
                page: p,
            } => {
                let filter = DeploymentFilter { status };
                let found = match (env, version) {
                    (Some(e), _) => {
                        let e = self.env(&e).await?;
                        self.reg.deployments_in(e.id, filter, page(p)?).await?
                    }
                    (None, Some(v)) => {
                        let v = self.version(&version_arg(&v)).await?;
                        self.reg.deployments_of_version(v.id, filter, page(p)?).await?
                    }
                    (None, None) => return Err(Error::invalid("env", "give --env ENV or --version MODEL@SEMVER")),
                };
                self.out.list(&found, DEPLOYMENT_COLUMNS)
            }
            DeployCmd::Active => self.out.list(
                &self.reg.active_deployments().await?,
                &[
                    "id=deployment.id",
                    "deployment=deployment.name",
                    "status=deployment.status",
                    "model=model.name",
                    "version=version.semver",
                    "environment=environment.name",
                    "replicas=deployment.replicas",
                ],
            ),
            DeployCmd::Show { id } => self.out.record(&self.reg.deployment(parse_id("id", &id)?).await?),
            DeployCmd::SetStatus { id, status } => {
                let d = self
                    .reg
                    .set_deployment_status(parse_id("id", &id)?, status, &self.actor)
                    .await?;
                self.out.record(&d)
            }
            DeployCmd::Scale { id, replicas } => self.out.record(
                &self
                    .reg
                    .scale_deployment(parse_id("id", &id)?, replicas, &self.actor)
                    .await?,
            ),
            DeployCmd::Rollback { id } => self
                .out
                .record(&self.reg.rollback_deployment(parse_id("id", &id)?, &self.actor).await?),
            DeployCmd::Terminate { id } => self
                .out
                .record(&self.reg.terminate_deployment(parse_id("id", &id)?, &self.actor).await?),
        }
    }

    pub async fn audit_cmd(&self, cmd: AuditCmd) -> Result<()> {
        let events = match cmd {
            AuditCmd::Recent { page: p } => self.reg.recent_audit(page(p)?).await?,
            AuditCmd::Actor { actor, page: p } => self.reg.audit_by_actor(&actor, page(p)?).await?,
            AuditCmd::Entity {
                entity_type,
                key,
                page: p,
            } => {
                let kind: EntityKind = entity_type.parse()?;
                let id = match (kind, Uuid::parse_str(&key)) {
                    (_, Ok(id)) => id,
                    (EntityKind::Team, _) => self.team(&key).await?.id,
                    (EntityKind::Model, _) => self.model(&key).await?.id,
                    (EntityKind::Environment, _) => self.env(&key).await?.id,
                    (EntityKind::ModelVersion, _) => self.version(&version_arg(&key)).await?.id,
                    (_, Err(_)) => return Err(Error::invalid("key", format!("{key:?} is not a UUID"))),
                };
                self.reg.audit_of_entity(kind, id, page(p)?).await?
            }
        };
        self.out.list(&events, AUDIT_COLUMNS)
    }

    pub async fn report_cmd(&self, cmd: ReportCmd) -> Result<()> {
        match cmd {
            ReportCmd::Team { name } => {
                let team = self.team(&name).await?;
                self.out.record(&self.reg.team_metrics(team.id).await?)
            }
            ReportCmd::Deployments => {
                let counts = self.reg.deployment_status_counts().await?;
                let rows: Vec<Value> = counts
                    .iter()
                    .map(|(status, n)| json!({"status": status, "count": n}))
                    .collect();
                match self.out.format {
                    OutputFormat::Json => self.out.record(&counts),
                    OutputFormat::Table => self.out.list(&rows, &["status", "count"]),
                }
            }
            ReportCmd::Stale { days } => {
                let models = self.reg.stale_models(days).await?;
                self.print_models(&models).await
            }
        }
    }
}
