//! Teams: create, read, update, deactivate, delete.

use uuid::Uuid;

use super::{Registry, resolve};
use crate::analytics::TeamMetrics;
use crate::audit::AuditAction;
use crate::error::{EntityKind, Result};
use crate::refs::Ref;
use crate::store::{Page, Record};
use crate::teams::{NewTeam, Team, TeamFilter, TeamUpdate};
use crate::validate;

impl Registry {
    /// Creates a team.
    pub async fn create_team(&self, new: NewTeam) -> Result<Team> {
        let mut change = self.change().await?;
        let team = Team {
            id: Uuid::now_v7(),
            name: validate::nfc(&new.name),
            department: new.department,
            cost_center: new.cost_center,
            active: true,
            created_at: change.now(),
        };
        team.validate()?;
        change
            .create(&team, Record::Team(team.clone()), AuditAction::Create)
            .await?;
        change.commit().await?;
        Ok(team)
    }

    /// The team with this id or name.
    pub async fn team(&self, team: &Ref) -> Result<Team> {
        resolve::team(&mut self.reads(), team).await
    }

    /// Teams by name.
    pub async fn list_teams(&self, filter: TeamFilter, page: Page) -> Result<Vec<Team>> {
        self.store.list_teams(filter, page).await
    }

    /// Changes a team's fields.
    pub async fn update_team(&self, team: &Ref, update: TeamUpdate) -> Result<Team> {
        let mut change = self.change().await?;
        let old = resolve::team(&mut change.tx, team).await?;
        let new = old.apply(update);
        new.validate()?;
        if new != old {
            change.update(&old, &new, Record::Team(new.clone())).await?;
            change.commit().await?;
        }
        Ok(new)
    }

    /// Marks a team inactive (a soft delete).
    pub async fn deactivate_team(&self, team: &Ref) -> Result<Team> {
        let update = TeamUpdate {
            active: Some(false),
            ..TeamUpdate::default()
        };
        self.update_team(team, update).await
    }

    /// Deletes a team; its models stay, with no team.
    pub async fn delete_team(&self, team: &Ref) -> Result<()> {
        let mut change = self.change().await?;
        let found = resolve::team(&mut change.tx, team).await?;
        change.delete(EntityKind::Team, found.id, &found).await?;
        change.commit().await
    }

    /// Model, version, run and deployment counts, GPU hours and cost of a team.
    pub async fn team_metrics(&self, team: &Ref) -> Result<TeamMetrics> {
        let found = self.team(team).await?;
        self.store.team_metrics(found.id).await
    }
}
