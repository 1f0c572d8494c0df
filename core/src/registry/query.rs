//! Listings through the query language: filter, sort and pages, the same on
//! every backend (see [`crate::query`]).

use uuid::Uuid;

use super::Registry;
use crate::audit::AuditEvent;
use crate::deployments::Deployment;
use crate::error::{Error, Result};
use crate::models::Model;
use crate::query::{CmpOp, Cond, Entity, Expr, Listing, Operand, Query, Relation, Scalar, Term, Test};
use crate::record::Record;
use crate::refs::{Ref, VersionRef};
use crate::runs::TrainingRun;
use crate::versions::ModelVersion;

/// The entity a listing's records hold.
trait Listed: Sized {
    fn from_record(record: Record) -> Result<Self>;
}

macro_rules! listed {
    ($($ty:ty => $variant:ident),*) => {$(
        impl Listed for $ty {
            fn from_record(record: Record) -> Result<Self> {
                match record {
                    Record::$variant(x) => Ok(x),
                    other => Err(Error::internal(format!(
                        "a listing of {} answered with a {} record",
                        stringify!($variant),
                        other.record_kind()
                    ))),
                }
            }
        }
    )*};
}

listed!(Model => Model, ModelVersion => ModelVersion, TrainingRun => TrainingRun, Deployment => Deployment, AuditEvent => AuditEvent);

/// "The related row `relation` has this id".
fn is(relation: Relation, id: Uuid) -> Expr {
    Expr::Cond(Cond {
        operand: Operand::Term(Term::column(relation, "id")),
        test: Test::Cmp(CmpOp::Eq, Scalar::Uuid(id)),
    })
}

impl Registry {
    async fn find<T: Listed>(&self, entity: Entity, scope: Expr, query: &Query) -> Result<Listing<T>> {
        let compiled = query.compile(entity, scope)?;
        let rows = self.store.query(&compiled).await?;
        let last = rows.last().map(|(_, keys)| keys.as_slice());
        let next = query.next_token(entity, rows.len(), compiled.limit, last)?;
        let items = rows
            .into_iter()
            .map(|(record, _)| T::from_record(record))
            .collect::<Result<_>>()?;
        Ok(Listing { items, next })
    }

    /// Models matching a query.
    pub async fn find_models(&self, query: &Query) -> Result<Listing<Model>> {
        self.find(Entity::Models, Expr::all(), query).await
    }

    /// Versions matching a query: of one model, or of the whole registry.
    pub async fn find_versions(&self, model: Option<&Ref>, query: &Query) -> Result<Listing<ModelVersion>> {
        let scope = match model {
            Some(model) => is(Relation::Model, self.model(model).await?.id),
            None => Expr::all(),
        };
        self.find(Entity::Versions, scope, query).await
    }

    /// Training runs matching a query: of one version, of one model, or of the whole registry.
    pub async fn find_runs(
        &self,
        model: Option<&Ref>,
        version: Option<&VersionRef>,
        query: &Query,
    ) -> Result<Listing<TrainingRun>> {
        let mut scope = Expr::all();
        if let Some(model) = model {
            scope = scope.and(is(Relation::Model, self.model(model).await?.id));
        }
        if let Some(version) = version {
            scope = scope.and(is(Relation::Version, self.version(version).await?.id));
        }
        self.find(Entity::Runs, scope, query).await
    }

    /// Deployments matching a query: in one environment, of one version, or anywhere.
    pub async fn find_deployments(
        &self,
        environment: Option<&Ref>,
        version: Option<&VersionRef>,
        query: &Query,
    ) -> Result<Listing<Deployment>> {
        let mut scope = Expr::all();
        if let Some(environment) = environment {
            scope = scope.and(is(Relation::Environment, self.environment(environment).await?.id));
        }
        if let Some(version) = version {
            scope = scope.and(is(Relation::Version, self.version(version).await?.id));
        }
        self.find(Entity::Deployments, scope, query).await
    }

    /// Audit events matching a query.
    pub async fn find_audit(&self, query: &Query) -> Result<Listing<AuditEvent>> {
        self.find(Entity::AuditEvents, Expr::all(), query).await
    }
}
