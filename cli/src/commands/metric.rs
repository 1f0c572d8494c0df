//! `modelreg metric`: metrics measured on a version.

use clap::Subcommand;
use modelreg_core::Result;
use modelreg_core::metrics::{MetricFilter, NewMetric, Split};

use crate::args::{PageArgs, VersionArg, one_of};
use crate::session::Ctx;

const COLUMNS: &[&str] = &["name", "value", "split", "recorded_at"];

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
        /// The data the metric was measured on
        #[arg(long, value_parser = one_of::<Split>())]
        split: Split,
    },
    /// List a version's metrics, newest first
    List {
        #[command(flatten)]
        version: VersionArg,
        #[arg(long)]
        name: Option<String>,
        #[arg(long, value_parser = one_of::<Split>())]
        split: Option<Split>,
        #[command(flatten)]
        page: PageArgs,
    },
    /// The newest value of each metric of a version
    Latest {
        #[command(flatten)]
        version: VersionArg,
        #[command(flatten)]
        page: PageArgs,
    },
}

pub async fn run(cmd: MetricCmd, ctx: &Ctx) -> Result<()> {
    let (reg, out) = (&ctx.reg, ctx.out);
    match cmd {
        MetricCmd::Record {
            version,
            name,
            value,
            split,
        } => {
            let metric = reg
                .record_metric(&version.reference()?, NewMetric::new(name, value, split))
                .await?;
            out.record(&metric)
        }
        MetricCmd::List {
            version,
            name,
            split,
            page,
        } => {
            let metrics = reg
                .metrics_of_version(&version.reference()?, &MetricFilter { name, split }, page.page()?)
                .await?;
            out.list(&metrics, COLUMNS)
        }
        MetricCmd::Latest { version, page } => {
            out.list(&reg.latest_metrics(&version.reference()?, page.page()?).await?, COLUMNS)
        }
    }
}
