//! `verbund audit …`: verifying the audit chains (against the signed checkpoints too),
//! writing a checkpoint now, and making a checkpoint signing key.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context as _;
use clap::Subcommand;
use verbund_store::Store;
use verbund_store::checkpoint::{CheckpointKey, CheckpointStore, verifying_key};

use crate::config::Config;

#[derive(Subcommand)]
pub enum AuditCommand {
    /// Verify every authority's hash chain, and every chain against the signed checkpoints;
    /// exit code 1 if anything was changed, deleted, reordered, truncated or recomputed.
    Verify {
        /// Print the report as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Sign the current head of every chain and store the checkpoint (serve does this every
    /// audit_checkpoint_interval_seconds).
    Checkpoint,
    /// Make a new checkpoint signing key and write it to a file that must not exist yet.
    Keygen {
        /// Where to write the key (readable by the owner only).
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
    },
}

pub async fn run(store: &Store, config: &Config, cmd: AuditCommand) -> anyhow::Result<ExitCode> {
    match cmd {
        AuditCommand::Verify { json } => verify(store, config, json).await,
        AuditCommand::Checkpoint => {
            let key =
                load_key(&config.audit_key_path(), true)?.context("no checkpoint signing key")?;
            let checkpoints = CheckpointStore::open(&config.checkpoint_location())?;
            let written = checkpoints.write(store, &key).await?;
            println!(
                "checkpoint of {} chain heads signed by key {}",
                written.body.heads.len(),
                written.body.key_id
            );
            Ok(ExitCode::SUCCESS)
        }
        AuditCommand::Keygen { .. } => unreachable!("keygen runs without a database"),
    }
}

/// `verbund audit keygen`: needs no configuration or database.
pub fn keygen(out: &Path) -> ExitCode {
    match write_new_key(out) {
        Ok(key) => {
            println!("key {} written to {}", key.key_id(), out.display());
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn write_new_key(path: &Path) -> anyhow::Result<CheckpointKey> {
    use std::io::Write as _;
    let key = CheckpointKey::generate();
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options
        .open(path)
        .with_context(|| format!("cannot create {}", path.display()))?;
    writeln!(file, "{}", key.to_hex())?;
    file.sync_all()?;
    Ok(key)
}

/// Reads the signing key; when the file is missing, makes one if `create`, else `None`.
pub fn load_key(path: &Path, create: bool) -> anyhow::Result<Option<CheckpointKey>> {
    match std::fs::read_to_string(path) {
        Ok(text) => Ok(Some(CheckpointKey::from_hex(&text).with_context(|| {
            format!("the checkpoint key in {}", path.display())
        })?)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound && create => {
            let key = write_new_key(path)?;
            tracing::info!(key_id = %key.key_id(), path = %path.display(), "made a new audit checkpoint key");
            Ok(Some(key))
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e).with_context(|| format!("cannot read {}", path.display())),
    }
}

async fn verify(store: &Store, config: &Config, json: bool) -> anyhow::Result<ExitCode> {
    let mut report = verbund_store::audit::verify(store).await?;
    let key = load_key(&config.audit_key_path(), false)?;
    if let Some(key) = &key {
        let checkpoints = CheckpointStore::open(&config.checkpoint_location())?;
        checkpoints
            .verify(store, &verifying_key(key), &mut report)
            .await?;
    }
    if json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        for p in &report.problems {
            println!("TAMPERED {} #{}: {}", p.authority_id, p.seq, p.problem);
        }
        for p in &report.checkpoint_problems {
            println!("CHECKPOINT {p}");
        }
        if key.is_none() {
            println!(
                "no checkpoint key at {}: the chains were not checked against checkpoints",
                config.audit_key_path().display()
            );
        }
        println!(
            "{} chains, {} entries, {} checkpoints checked: {}",
            report.chains,
            report.entries,
            report.checkpoints,
            if report.intact() {
                "intact".to_owned()
            } else {
                format!(
                    "{} problem(s)",
                    report.problems.len() + report.checkpoint_problems.len()
                )
            }
        );
    }
    Ok(if report.intact() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}
