//! The one list of cases ([`for_each_case!`]): a case written in
//! `src/cases` and missing here would never run, which a test of this crate
//! catches.

/// Calls `[callback]!` with every case, in two groups. `api` cases run on
/// every backend and through HTTP: `singles` take a fresh [`AnyRegistry`],
/// `actors` also the means to act as other users ([`ActingAs`]). `local`
/// cases need the local [`Registry`]: `singles` take a fresh one, `pairs`
/// two (a source and a target), and `sources` a fresh one and the backend
/// itself (`case::<B>(source)`), for cases that need several empty
/// targets, one per round. This is the one list of cases; adding a case here
/// adds it to every backend.
#[macro_export]
macro_rules! for_each_case {
    ([$($callback:tt)*] ($($args:tt)*)) => {
        $($callback)*! { ($($args)*)
        api {
            singles {
                teams: [
                    create_team_returns_defaults,
                    team_names_are_unique,
                    team_is_found_by_id_and_name,
                    missing_team_is_not_found,
                    teams_list_by_name_with_offset_and_limit,
                    teams_list_active_only,
                    updating_a_team_audits_old_and_new_values,
                    renaming_a_team_to_a_taken_name_conflicts,
                    deactivating_a_team_is_a_soft_delete,
                    deleting_a_team_leaves_its_models_without_team,
                ],
                models: [
                    create_model_returns_defaults,
                    model_names_are_unique,
                    model_of_unknown_team_is_not_found,
                    models_list_with_active_team_and_risk_filters,
                    models_list_by_name_with_offset_and_limit,
                    search_is_a_case_insensitive_substring_match,
                    search_treats_percent_and_underscore_literally,
                    updating_a_model_moves_updated_at,
                    an_update_that_changes_nothing_writes_nothing,
                    add_tag_creates_the_tag_and_twice_is_a_no_op,
                    remove_tag_unlinks_only_that_model,
                    models_are_listed_by_tag,
                    tags_list_with_model_counts,
                    deleting_a_model_cascades_to_everything_below_it,
                    model_with_versions_returns_a_page_newest_first_with_the_total,
                ],
                versions: [
                    register_version_returns_defaults,
                    semver_is_unique_per_model,
                    invalid_semver_is_rejected,
                    prerelease_and_build_semvers_are_accepted,
                    latest_means_highest_semver_precedence,
                    prerelease_ranks_below_its_release,
                    equal_precedence_falls_back_to_newest,
                    latest_of_a_status,
                    versions_list_newest_first_with_status_filter_and_paging,
                    version_is_found_by_model_and_semver,
                    promoting_a_version_archives_the_previous_production_version,
                    concurrent_promotions_leave_one_production_version,
                    deprecated_is_terminal,
                    setting_the_same_status_is_a_no_op,
                    production_versions_come_with_their_model,
                    sizes_above_four_gib_round_trip,
                    checksum_is_validated_and_stored_lower_case,
                    deleting_a_version_cascades_to_runs_metrics_and_deployments,
                    version_of_unknown_model_is_not_found,
                    version_is_found_by_model_name_and_semver,
                ],
                aliases: [
                    alias_names_follow_the_grammar,
                    setting_an_alias_that_exists_moves_it_with_one_audit_event,
                    a_version_may_carry_several_aliases_and_aliases_are_per_model,
                    removing_an_alias_is_audited_and_a_missing_one_is_false,
                    an_alias_cannot_point_at_a_deprecated_version,
                    deprecating_a_version_that_holds_aliases_is_refused_naming_them,
                    deleting_a_version_removes_its_aliases_with_an_event_each,
                ],
                history: [
                    every_status_change_and_alias_move_writes_a_history_row,
                    production_as_of_resolves_before_between_and_after_changes,
                    alias_as_of_resolves_before_between_and_after_moves,
                    as_of_says_what_it_cannot_answer,
                    concurrent_promotions_leave_a_history_that_replays_to_the_final_state,
                ],
                edits: [
                    editable_fields_change_with_one_audit_event_of_old_and_new,
                    size_and_checksum_are_filled_in_once,
                    an_edit_that_changes_nothing_writes_nothing,
                    registering_the_same_version_again_answers_the_existing_one,
                    each_differing_identity_field_is_a_mismatch_naming_it,
                    versions_are_found_by_checksum_across_models,
                    drift_lists_deployments_that_do_not_run_the_production_version,
                    a_tag_is_described_and_deleting_it_unlinks_every_model_with_an_event_each,
                ],
                queries: [
                    queries_answer_what_users_ask_of_versions,
                    cursor_pages_stay_correct_while_rows_are_inserted,
                ],
                references: [
                    a_version_is_reached_by_id_semver_latest_and_production,
                    a_model_is_reached_by_id_and_by_name,
                    a_model_named_like_a_uuid_is_still_found_by_name,
                    a_missing_model_is_not_found_under_its_reference,
                    a_missing_version_names_the_model_and_selector,
                    changes_resolve_version_references_in_their_transaction,
                    names_that_look_like_paths_reach_their_model,
                ],
                runs: [
                    start_run_returns_defaults,
                    finishing_a_run_sets_completion_and_duration,
                    a_finished_run_cannot_finish_again,
                    a_run_cannot_finish_as_running,
                    runs_list_by_version_and_model_newest_first,
                    runs_with_equal_start_times_list_in_a_stable_order,
                    cost_summary_matches_hand_computed_totals,
                    negative_or_non_finite_hours_and_costs_are_rejected,
                ],
                metrics: [
                    metrics_list_newest_first_with_name_and_split_filters,
                    latest_metrics_hold_the_newest_value_of_each_name,
                    nan_and_infinite_metric_values_are_rejected,
                    metric_of_unknown_version_is_not_found,
                ],
                environments: [
                    create_environment_and_find_it_by_name,
                    environment_names_are_unique,
                    environments_list_by_kind_active_only,
                    updating_an_environment_audits_the_change,
                    deactivated_environment_refuses_deployments,
                ],
                deployments: [
                    deploy_returns_defaults_and_is_audited_as_deploy,
                    deployments_list_by_environment_and_version_with_status_filter,
                    active_deployments_are_healthy_or_degraded_with_their_context,
                    terminating_sets_terminated_at_and_is_final,
                    scaling_changes_replicas_and_rejects_negative_counts,
                    rollback_terminates_and_redeploys_the_previous_version,
                    rollback_skips_redeploys_of_the_same_version,
                    rollback_without_an_earlier_version_fails_and_changes_nothing,
                    deployment_of_unknown_version_or_environment_is_not_found,
                    deploying_a_deprecated_version_is_refused_and_changes_nothing,
                    rollback_skips_a_deprecated_earlier_version,
                    rollback_fails_when_every_earlier_version_is_deprecated,
                ],
                audit: [
                    a_failed_mutation_writes_no_audit_event,
                    create_events_list_the_created_fields,
                    actor_must_be_a_valid_name,
                    deleting_writes_a_delete_event_with_the_last_fields,
                ],
                analytics: [
                    model_summary_matches_hand_computed_figures,
                    team_metrics_match_hand_computed_figures,
                    deployment_counts_by_status_include_every_status,
                    stale_models_have_no_recent_training_run,
                    stats_count_every_entity,
                ],
                constraints: [
                    every_length_limit_is_enforced_with_its_field,
                    lengths_count_characters_not_bytes,
                    control_characters_are_rejected,
                    padded_names_are_rejected,
                    every_enum_rejects_unknown_values,
                    json_fields_must_be_objects_of_at_most_64_kib,
                    negative_sizes_and_counts_are_rejected,
                    timestamps_round_trip_at_microsecond_precision,
                    page_limits_are_checked,
                    json_values_round_trip_exactly,
                ],
                reference: [
                    test_team_creation,
                    test_team_unique_constraint,
                    test_model_creation,
                    test_model_version_relationship,
                    test_model_version_unique_constraint,
                    test_model_cascade_delete,
                    test_team_set_null_on_delete,
                    test_create_team,
                    test_get_team_by_name,
                    test_list_models_with_filters,
                    test_get_latest_version,
                    test_get_model_summary,
                ],
                concurrency: [
                    adding_one_new_tag_to_two_models_at_once_creates_it_once,
                    concurrent_promotions_leave_an_audit_trail_in_commit_order,
                    promoting_while_the_model_is_deleted_never_deadlocks,
                ],
                bad_input: [
                    every_bad_input_is_refused_naming_its_field_and_changes_nothing,
                ],
            }
            actors {
                audit: [
                    every_mutation_writes_one_audit_event_with_its_actor,
                    audit_lists_by_actor_and_recent_newest_first,
                ],
                queries: [
                    queries_answer_what_users_ask_of_runs_deployments_and_the_audit_trail,
                    every_backend_answers_queries_as_the_reference_evaluator_does,
                ],
            }
        }
        local {
            singles {
                analytics: [the_store_reports_its_size_on_disk],
                bulk: [
                    bulk_create_writes_each_record_with_its_audit_event,
                    bulk_create_validates_every_record_and_writes_nothing_on_failure,
                    bulk_create_refuses_tag_links_and_audit_events,
                ],
            }
            pairs {
                transfer: [
                    export_then_import_then_export_gives_identical_records,
                    copy_reproduces_every_record,
                    a_bad_line_leaves_the_target_untouched,
                    a_conflicting_line_is_reported_with_its_number,
                    import_refuses_a_registry_that_has_records,
                    merge_keeps_existing_records_and_refuses_taken_names,
                    an_export_cut_short_fails_to_import_and_writes_nothing,
                ],
            }
            sources {
                bad_input: [every_corrupted_import_line_is_refused_with_its_number_and_field],
                round_trip: [whatever_is_accepted_reads_back_exports_and_imports_identically],
                snapshots: [
                    an_export_under_concurrent_writes_is_one_snapshot,
                    a_copy_under_concurrent_writes_is_one_snapshot,
                ],
                upgrades: [
                    a_format_1_export_imports_with_every_record_and_the_history_its_audit_trail_tells,
                    aliases_history_and_descriptions_survive_export_import_and_copy,
                ],
            }
        } }
    };
}
