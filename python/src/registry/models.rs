//! Teams, models and tags.

use modelreg_core::models::{ModelFilter, ModelUpdate, NewModel, TagUpdate};
use modelreg_core::teams::{NewTeam, TeamFilter, TeamUpdate};
use pyo3::prelude::*;

use super::{Answer, Any, Registry};
use crate::convert::{self, Change};

listings! {
    /// A model with a page of its versions (newest first) and their number.
    fn model_with_versions(model = entity_ref("model"));

    /// The tags of a model.
    fn tags_of_model(model = entity_ref("model"));
}

#[pymethods]
impl Registry {
    // Teams.

    /// Creates a team.
    #[pyo3(signature = (name, *, department=None, cost_center=None))]
    fn create_team<'py>(
        &self,
        py: Python<'py>,
        name: String,
        department: Option<String>,
        cost_center: Option<String>,
    ) -> Answer<'py> {
        let new = NewTeam {
            name,
            department,
            cost_center,
        };
        self.ask(py, |api| async move { api.create_team(new).await })
    }

    /// The team with this name or id.
    fn team<'py>(&self, py: Python<'py>, team: &Any<'py>) -> Answer<'py> {
        let team = convert::entity_ref("team", team)?;
        self.ask(py, |api| async move { api.team(&team).await })
    }

    /// Teams by name (active ones only with active_only=True).
    #[pyo3(signature = (*, active_only=false, offset=0, limit=None))]
    fn list_teams<'py>(&self, py: Python<'py>, active_only: bool, offset: u64, limit: Option<u32>) -> Answer<'py> {
        let filter = TeamFilter { active_only };
        let page = convert::page(offset, limit)?;
        self.ask(py, |api| async move { api.list_teams(filter, page).await })
    }

    /// Changes a team's fields; a field left out stays, None clears an optional one.
    #[pyo3(signature = (team, *, name=None, department=Change::Keep, cost_center=Change::Keep, active=None))]
    fn update_team<'py>(
        &self,
        py: Python<'py>,
        team: &Any<'py>,
        name: Option<String>,
        department: Change<String>,
        cost_center: Change<String>,
        active: Option<bool>,
    ) -> Answer<'py> {
        let team = convert::entity_ref("team", team)?;
        let update = TeamUpdate {
            name,
            department: department.into_update(),
            cost_center: cost_center.into_update(),
            active,
        };
        self.ask(py, |api| async move { api.update_team(&team, update).await })
    }

    /// Marks a team inactive (its models keep it).
    fn deactivate_team<'py>(&self, py: Python<'py>, team: &Any<'py>) -> Answer<'py> {
        let team = convert::entity_ref("team", team)?;
        self.ask(py, |api| async move { api.deactivate_team(&team).await })
    }

    /// Deletes a team; its models stay, with no team.
    fn delete_team(&self, py: Python<'_>, team: &Any<'_>) -> PyResult<()> {
        let team = convert::entity_ref("team", team)?;
        self.call(py, |api| async move { api.delete_team(&team).await })
    }

    /// Counts and cost of a team's models, versions, runs and deployments.
    fn team_metrics<'py>(&self, py: Python<'py>, team: &Any<'py>) -> Answer<'py> {
        let team = convert::entity_ref("team", team)?;
        self.ask(py, |api| async move { api.team_metrics(&team).await })
    }

    // Models.

    /// Creates a model; risk_level is "medium" and compliance_required False unless given.
    #[pyo3(signature = (name, *, description=None, use_case=None, team=None, risk_level=None, compliance_required=None))]
    #[allow(clippy::too_many_arguments)]
    fn create_model<'py>(
        &self,
        py: Python<'py>,
        name: String,
        description: Option<String>,
        use_case: Option<String>,
        team: Option<&Any<'py>>,
        risk_level: Option<&str>,
        compliance_required: Option<bool>,
    ) -> Answer<'py> {
        let mut new = NewModel::named(name);
        new.description = description;
        new.use_case = use_case;
        new.team = convert::opt_entity_ref("team", team)?;
        new.risk_level = convert::opt_closed(risk_level)?.unwrap_or(new.risk_level);
        new.compliance_required = compliance_required.unwrap_or(new.compliance_required);
        self.ask(py, |api| async move { api.create_model(new).await })
    }

    /// The model with this name or id.
    fn model<'py>(&self, py: Python<'py>, model: &Any<'py>) -> Answer<'py> {
        let model = convert::entity_ref("model", model)?;
        self.ask(py, |api| async move { api.model(&model).await })
    }

    /// Models by name, optionally active ones only, of one team or of one risk level.
    #[pyo3(signature = (*, active_only=false, team=None, risk_level=None, offset=0, limit=None))]
    fn list_models<'py>(
        &self,
        py: Python<'py>,
        active_only: bool,
        team: Option<&Any<'py>>,
        risk_level: Option<&str>,
        offset: u64,
        limit: Option<u32>,
    ) -> Answer<'py> {
        let filter = ModelFilter {
            active_only,
            team: convert::opt_entity_ref("team", team)?,
            risk_level: convert::opt_closed(risk_level)?,
        };
        let page = convert::page(offset, limit)?;
        self.ask(py, |api| async move { api.list_models(filter, page).await })
    }

    /// Models whose name contains term, ignoring case (% and _ match literally).
    #[pyo3(signature = (term, *, offset=0, limit=None))]
    fn search_models<'py>(&self, py: Python<'py>, term: String, offset: u64, limit: Option<u32>) -> Answer<'py> {
        let page = convert::page(offset, limit)?;
        self.ask(py, |api| async move { api.search_models(&term, page).await })
    }

    /// Changes a model's fields; a field left out stays, None clears an optional one.
    #[pyo3(signature = (
        model, *, name=None, description=Change::Keep, use_case=Change::Keep, team=Change::Keep,
        risk_level=None, compliance_required=None, is_active=None
    ))]
    #[allow(clippy::too_many_arguments)]
    fn update_model<'py>(
        &self,
        py: Python<'py>,
        model: &Any<'py>,
        name: Option<String>,
        description: Change<String>,
        use_case: Change<String>,
        team: Change<Any<'py>>,
        risk_level: Option<&str>,
        compliance_required: Option<bool>,
        is_active: Option<bool>,
    ) -> Answer<'py> {
        let model = convert::entity_ref("model", model)?;
        let update = ModelUpdate {
            name,
            description: description.into_update(),
            use_case: use_case.into_update(),
            team: team.try_map(|t| convert::entity_ref("team", &t))?.into_update(),
            risk_level: convert::opt_closed(risk_level)?,
            compliance_required,
            is_active,
        };
        self.ask(py, |api| async move { api.update_model(&model, update).await })
    }

    /// Deletes a model with its versions, runs, metrics and deployments.
    fn delete_model(&self, py: Python<'_>, model: &Any<'_>) -> PyResult<()> {
        let model = convert::entity_ref("model", model)?;
        self.call(py, |api| async move { api.delete_model(&model).await })
    }

    /// Counts, latest and production semver, GPU hours and cost of a model.
    fn model_summary<'py>(&self, py: Python<'py>, model: &Any<'py>) -> Answer<'py> {
        let model = convert::entity_ref("model", model)?;
        self.ask(py, |api| async move { api.model_summary(&model).await })
    }

    /// Active models with no training run started in the last `days` days.
    #[pyo3(signature = (days, *, offset=0, limit=None))]
    fn stale_models<'py>(&self, py: Python<'py>, days: u32, offset: u64, limit: Option<u32>) -> Answer<'py> {
        let page = convert::page(offset, limit)?;
        self.ask(py, |api| async move { api.stale_models(days, page).await })
    }

    // Tags.

    /// Tags a model (creating the tag if new); False when it had the tag already.
    fn add_tag(&self, py: Python<'_>, model: &Any<'_>, tag: String) -> PyResult<bool> {
        let model = convert::entity_ref("model", model)?;
        self.call(py, |api| async move { api.add_tag(&model, &tag).await })
    }

    /// Untags a model; False when it did not carry the tag.
    fn remove_tag(&self, py: Python<'_>, model: &Any<'_>, tag: String) -> PyResult<bool> {
        let model = convert::entity_ref("model", model)?;
        self.call(py, |api| async move { api.remove_tag(&model, &tag).await })
    }

    /// Changes a tag's description (None clears it).
    #[pyo3(signature = (name, *, description=Change::Keep))]
    fn update_tag<'py>(&self, py: Python<'py>, name: String, description: Change<String>) -> Answer<'py> {
        let update = TagUpdate {
            description: description.into_update(),
        };
        self.ask(py, |api| async move { api.update_tag(&name, update).await })
    }

    /// Deletes a tag from every model and from the registry.
    fn delete_tag(&self, py: Python<'_>, name: String) -> PyResult<()> {
        self.call(py, |api| async move { api.delete_tag(&name).await })
    }

    /// Models carrying a tag.
    #[pyo3(signature = (tag, *, offset=0, limit=None))]
    fn models_by_tag<'py>(&self, py: Python<'py>, tag: String, offset: u64, limit: Option<u32>) -> Answer<'py> {
        let page = convert::page(offset, limit)?;
        self.ask(py, |api| async move { api.models_by_tag(&tag, page).await })
    }

    /// Every tag with the number of models carrying it.
    #[pyo3(signature = (*, offset=0, limit=None))]
    fn list_tags<'py>(&self, py: Python<'py>, offset: u64, limit: Option<u32>) -> Answer<'py> {
        let page = convert::page(offset, limit)?;
        self.ask(py, |api| async move { api.list_tags(page).await })
    }
}
