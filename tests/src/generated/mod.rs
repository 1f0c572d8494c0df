//! Registries generated for property tests: a fixed set of edge records
//! ([`edge_records`]: every field at its limit) and random records around
//! them ([`registry`]), parents first, each valid as the registry takes it.

mod edges;
mod records;
mod values;

use std::collections::BTreeMap;

use modelreg_core::Record;
use modelreg_core::aliases::Alias;
use modelreg_core::deployments::Deployment;
use modelreg_core::environments::Environment;
use modelreg_core::metrics::Metric;
use modelreg_core::models::{Model, Tag};
use modelreg_core::runs::TrainingRun;
use modelreg_core::teams::Team;
use modelreg_core::versions::{ModelVersion, VersionStatus};
use proptest::collection::vec;
use proptest::prelude::*;
use proptest::sample::Index;
use uuid::Uuid;

pub use edges::{deepest_object, edge_numbers, edge_records, largest_object};
use records::{deployment, environment, metric, model, run, tag, team, version};
use values::{alias_name, distinct};

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

#[cfg(test)]
mod tests {
    use super::*;

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
