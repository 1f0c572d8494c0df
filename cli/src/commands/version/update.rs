//! `modelreg version update`: a version's editable fields. Its identity
//! (model, semver, artifact URI, framework) never changes; size and checksum
//! may be filled in once while unset.

use clap::Args;
use modelreg_core::Result;
use modelreg_core::versions::VersionUpdate;

use crate::args::{VersionArg, json_object};
use crate::session::Ctx;

#[derive(Debug, Args)]
pub struct UpdateArgs {
    #[command(flatten)]
    version: VersionArg,
    /// The new description (may span lines)
    #[arg(long, conflicts_with = "no_description")]
    description: Option<String>,
    /// Clear the description
    #[arg(long)]
    no_description: bool,
    /// Replace the whole metadata with this JSON object
    #[arg(long, value_name = "JSON")]
    metadata: Option<String>,
    /// Set these keys of the metadata (a JSON object; after --metadata)
    #[arg(long, value_name = "JSON")]
    set_metadata: Option<String>,
    /// Remove these keys from the metadata (after setting)
    #[arg(long, value_name = "KEY", num_args = 1..)]
    unset_metadata: Vec<String>,
    #[arg(long)]
    framework_version: Option<String>,
    #[arg(long)]
    python_version: Option<String>,
    /// Fill in the artifact's size in bytes (only while unset)
    #[arg(long)]
    size_bytes: Option<i64>,
    /// Fill in the artifact's SHA-256, 64 hex digits (only while unset)
    #[arg(long)]
    checksum: Option<String>,
}

impl UpdateArgs {
    /// The update these flags ask for.
    fn update(&self) -> Result<VersionUpdate> {
        let description = match (&self.description, self.no_description) {
            (_, true) => Some(None),
            (text, false) => text.clone().map(Some),
        };
        let metadata = match &self.metadata {
            Some(text) => Some(json_object("metadata", Some(text))?),
            None => None,
        };
        Ok(VersionUpdate {
            description,
            metadata,
            set_metadata: json_object("set_metadata", self.set_metadata.as_deref())?,
            unset_metadata: self.unset_metadata.clone(),
            framework_version: self.framework_version.clone().map(Some),
            python_version: self.python_version.clone().map(Some),
            size_bytes: self.size_bytes,
            checksum_sha256: self.checksum.clone(),
        })
    }
}

pub async fn run(args: UpdateArgs, ctx: &Ctx) -> Result<()> {
    let update = args.update()?;
    let updated = ctx.reg.update_version(&args.version.reference()?, update).await?;
    ctx.out.record(&updated)
}
