//! The fixture every entry point runs the table against, and what "the
//! registry is unchanged" compares after each row.

use modelreg_core::analytics::Stats;
use modelreg_core::environments::{EnvironmentKind, NewEnvironment};
use modelreg_core::metrics::{NewMetric, Split};
use modelreg_core::models::NewModel;
use modelreg_core::runs::NewRun;
use modelreg_core::teams::NewTeam;
use modelreg_core::versions::{Framework, NewVersion};
use modelreg_core::{Page, Ref, VersionRef};
use uuid::Uuid;

use crate::AsApi;

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
