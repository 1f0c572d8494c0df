//! Environments: create, read, update, deactivate.

use uuid::Uuid;

use super::{Registry, resolve};
use crate::audit::AuditAction;
use crate::environments::{Environment, EnvironmentFilter, EnvironmentUpdate, NewEnvironment};
use crate::error::Result;
use crate::refs::Ref;
use crate::store::{Page, Record};
use crate::validate;

impl Registry {
    /// Creates an environment.
    pub async fn create_environment(&self, new: NewEnvironment) -> Result<Environment> {
        let mut change = self.change().await?;
        let mut env = Environment {
            id: Uuid::now_v7(),
            name: validate::nfc(&new.name),
            kind: new.kind,
            region: new.region,
            kubernetes_namespace: new.kubernetes_namespace,
            config: new.config,
            is_active: true,
            created_at: change.now(),
        };
        validate::canonical_json(&mut env.config);
        env.validate()?;
        change
            .create(&env, Record::Environment(env.clone()), AuditAction::Create)
            .await?;
        change.commit().await?;
        Ok(env)
    }

    /// The environment with this id or name.
    pub async fn environment(&self, env: &Ref) -> Result<Environment> {
        resolve::environment(&mut self.reads(), env).await
    }

    /// Environments by name.
    pub async fn list_environments(&self, filter: EnvironmentFilter, page: Page) -> Result<Vec<Environment>> {
        self.store.list_environments(filter, page).await
    }

    /// Changes an environment's fields.
    pub async fn update_environment(&self, env: &Ref, update: EnvironmentUpdate) -> Result<Environment> {
        let mut change = self.change().await?;
        let old = resolve::environment(&mut change.tx, env).await?;
        let mut new = old.apply(update);
        validate::canonical_json(&mut new.config);
        new.validate()?;
        if new != old {
            change.update(&old, &new, Record::Environment(new.clone())).await?;
            change.commit().await?;
        }
        Ok(new)
    }

    /// Marks an environment inactive.
    pub async fn deactivate_environment(&self, env: &Ref) -> Result<Environment> {
        let update = EnvironmentUpdate {
            is_active: Some(false),
            ..EnvironmentUpdate::default()
        };
        self.update_environment(env, update).await
    }
}
