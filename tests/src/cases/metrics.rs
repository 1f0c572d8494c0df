use chrono::{Duration, TimeZone, Utc};
use modelreg_core::metrics::{Metric, MetricFilter, NewMetric, Split};
use modelreg_core::{EntityKind, Page};

use crate::AnyRegistry;
use crate::fixtures::*;

fn values(metrics: &[Metric]) -> Vec<(&str, f64)> {
    metrics.iter().map(|m| (m.name.as_str(), m.value)).collect()
}

pub async fn metrics_list_newest_first_with_name_and_split_filters(reg: AnyRegistry) {
    let m = model(&reg, "m").await;
    let v = version(&reg, &m, "1.0.0").await;
    let base = Utc.with_ymd_and_hms(2026, 2, 2, 0, 0, 0).unwrap();
    for (i, (name, value, split)) in [
        ("accuracy", 0.80, Split::Validation),
        ("loss", 0.50, Split::Train),
        ("accuracy", 0.85, Split::Test),
        ("accuracy", 0.90, Split::Validation),
    ]
    .into_iter()
    .enumerate()
    {
        let new = NewMetric {
            recorded_at: Some(base + Duration::minutes(i as i64)),
            ..NewMetric::new(name, value, split)
        };
        reg.record_metric(&v.id.into(), new).await.unwrap();
    }
    let all = reg
        .metrics_of_version(&v.id.into(), &MetricFilter::default(), Page::default())
        .await
        .unwrap();
    assert_eq!(
        values(&all),
        [
            ("accuracy", 0.90),
            ("accuracy", 0.85),
            ("loss", 0.50),
            ("accuracy", 0.80)
        ]
    );
    let accuracy = MetricFilter {
        name: Some("accuracy".into()),
        split: Some(Split::Validation),
    };
    let filtered = reg
        .metrics_of_version(&v.id.into(), &accuracy, Page::default())
        .await
        .unwrap();
    assert_eq!(values(&filtered), [("accuracy", 0.90), ("accuracy", 0.80)]);
    let by_split = MetricFilter {
        name: None,
        split: Some(Split::Train),
    };
    assert_eq!(
        values(
            &reg.metrics_of_version(&v.id.into(), &by_split, Page::default())
                .await
                .unwrap()
        ),
        [("loss", 0.5)]
    );
}

pub async fn latest_metrics_hold_the_newest_value_of_each_name(reg: AnyRegistry) {
    let m = model(&reg, "m").await;
    let v = version(&reg, &m, "1.0.0").await;
    let other = version(&reg, &m, "2.0.0").await;
    for (name, value) in [("f1", 0.5), ("auc", 0.7), ("f1", 0.6), ("auc", 0.75), ("f1", 0.65)] {
        reg.record_metric(&v.id.into(), NewMetric::new(name, value, Split::Test))
            .await
            .unwrap();
    }
    reg.record_metric(&other.id.into(), NewMetric::new("f1", 0.99, Split::Test))
        .await
        .unwrap();
    let latest = reg.latest_metrics(&v.id.into(), Page::default()).await.unwrap();
    assert_eq!(values(&latest), [("auc", 0.75), ("f1", 0.65)]);
}

pub async fn nan_and_infinite_metric_values_are_rejected(reg: AnyRegistry) {
    let m = model(&reg, "m").await;
    let v = version(&reg, &m, "1.0.0").await;
    for value in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
        let result = reg
            .record_metric(&v.id.into(), NewMetric::new("acc", value, Split::Test))
            .await;
        assert_invalid(result, "value");
    }
    for value in [f64::MAX, f64::MIN, -0.0, 1e-300] {
        let metric = reg
            .record_metric(&v.id.into(), NewMetric::new("acc", value, Split::Test))
            .await
            .unwrap();
        assert_eq!(metric.value, value);
    }
    assert_eq!(stats(&reg).await.metrics, 4);
}

pub async fn metric_of_unknown_version_is_not_found(reg: AnyRegistry) {
    let result = reg
        .record_metric(&uuid::Uuid::new_v4().into(), NewMetric::new("acc", 1.0, Split::Test))
        .await;
    assert_not_found(result, EntityKind::ModelVersion);
    assert_not_found(
        reg.latest_metrics(&uuid::Uuid::new_v4().into(), Page::default()).await,
        EntityKind::ModelVersion,
    );
}
