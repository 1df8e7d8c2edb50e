//! The `verbund` binary: configuration, wiring and the command line. Glue only; the logic
//! lives in the library crates.

mod admin;
mod audit;
mod config;
mod demo;
mod einvoice;
mod serve;

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::Context as _;
use clap::{Args, Parser, Subcommand};
use verbund_core::SystemClock;
use verbund_store::Store;

use crate::config::{Config, Overrides};

/// mimalloc instead of the system allocator: parsing an invoice allocates many small values.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Verbund: the shared digital administration platform of the German states and the Bund.
#[derive(Parser)]
#[command(name = "verbund", version, about, propagate_version = true)]
struct Cli {
    #[command(flatten)]
    common: CommonArgs,
    #[command(subcommand)]
    command: Command,
}

/// Settings every command accepts; they override `verbund.toml` and `VERBUND_*`.
#[derive(Args, Clone, Default)]
struct CommonArgs {
    /// Configuration file (default: ./verbund.toml if it exists).
    #[arg(long, global = true, value_name = "FILE")]
    config: Option<PathBuf>,
    /// Directory for the embedded database and local blobs.
    #[arg(long, global = true, value_name = "DIR")]
    data_dir: Option<String>,
    /// Database URL: sqlite:… or postgres://… (default: SQLite in the data directory).
    #[arg(long, global = true, value_name = "URL")]
    database_url: Option<String>,
    /// Log format: text or json.
    #[arg(long, global = true, value_name = "FORMAT")]
    log_format: Option<String>,
}

#[derive(Subcommand)]
enum Command {
    /// Run the HTTP server (API and web UI).
    Serve(ServeArgs),
    /// Load the demo data (idempotent) and run the server.
    Demo(ServeArgs),
    /// Apply pending database migrations and exit.
    Migrate,
    /// Check or print the configuration.
    #[command(subcommand)]
    Config(ConfigCommand),
    /// Work with the audit log.
    #[command(subcommand)]
    Audit(audit::AuditCommand),
    /// Administer authorities, users and API tokens directly on the database.
    #[command(subcommand)]
    Admin(admin::AdminCommand),
    /// Validate and show XRechnung e-invoices (no database, no configuration needed).
    #[command(subcommand)]
    Einvoice(einvoice::EinvoiceCommand),
}

#[derive(Args, Clone, Default)]
struct ServeArgs {
    /// Address to listen on (default 127.0.0.1:8080).
    #[arg(long, value_name = "ADDR")]
    listen: Option<String>,
    /// Public URL of the node (default http://<listen>).
    #[arg(long, value_name = "URL")]
    public_url: Option<String>,
}

#[derive(Subcommand)]
enum ConfigCommand {
    /// Validate the configuration and print the effective settings (secrets masked).
    Check,
    /// Print a commented sample verbund.toml.
    Example,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    // Before the runtime, configuration and database: a one-file check must start fast.
    let cli = match cli.command {
        Command::Einvoice(command) => return einvoice::run(command),
        Command::Audit(audit::AuditCommand::Keygen { out }) => return audit::keygen(&out),
        command => Cli { command, ..cli },
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::from(2);
        }
    };
    let result = runtime.block_on(run(cli));
    // Do not wait for blocking work that is still running (a validation whose request the
    // shutdown abandoned): its result would be committed by nobody.
    runtime.shutdown_timeout(std::time::Duration::from_millis(200));
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn overrides(common: &CommonArgs, serve: Option<&ServeArgs>) -> Overrides {
    let mut values = Vec::new();
    let mut push = |key: &'static str, v: &Option<String>| {
        if let Some(v) = v {
            values.push((key, v.clone()));
        }
    };
    push("data_dir", &common.data_dir);
    push("database_url", &common.database_url);
    push("log_format", &common.log_format);
    if let Some(s) = serve {
        push("listen", &s.listen);
        push("public_url", &s.public_url);
    }
    Overrides { values }
}

/// Loads the configuration or prints every error.
fn load_config(common: &CommonArgs, serve: Option<&ServeArgs>) -> Result<Config, ExitCode> {
    let env: BTreeMap<String, String> = std::env::vars().collect();
    let mut config = config::load(common.config.as_deref(), &env, &overrides(common, serve))
        .map_err(|errors| {
            eprintln!("error: the configuration has {} problem(s):", errors.len());
            for e in errors {
                eprintln!("  - {e}");
            }
            ExitCode::FAILURE
        })?;
    // A server on another address than the default but without an explicit public URL:
    // the public URL follows the listen address.
    if serve.is_some_and(|s| s.listen.is_some() && s.public_url.is_none())
        && std::env::var("VERBUND_PUBLIC_URL").is_err()
    {
        config.public_url = format!("http://{}", config.listen);
    }
    Ok(config)
}

/// Opens the database (creating the data directory for SQLite) and migrates it.
async fn open_store(config: &Config) -> anyhow::Result<Store> {
    if config.database_url.is_none() {
        std::fs::create_dir_all(&config.data_dir).with_context(|| {
            format!(
                "cannot create the data directory {}",
                config.data_dir.display()
            )
        })?;
    }
    let store = Store::connect(
        &config.database_url(),
        Arc::new(SystemClock),
        config.limits.clone(),
    )
    .await
    .context("cannot open the database")?;
    store
        .migrate()
        .await
        .context("cannot migrate the database")?;
    Ok(store)
}

async fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Config(ConfigCommand::Example) => {
            print!("{}", config::example());
            Ok(ExitCode::SUCCESS)
        }
        Command::Config(ConfigCommand::Check) => match load_config(&cli.common, None) {
            Ok(c) => {
                println!("configuration OK\n\n{}", c.describe());
                Ok(ExitCode::SUCCESS)
            }
            Err(code) => Ok(code),
        },
        Command::Serve(args) => {
            let Ok(config) = load_config(&cli.common, Some(&args)) else {
                return Ok(ExitCode::FAILURE);
            };
            serve::init_logging(&config);
            let store = open_store(&config).await?;
            serve::serve(&config, store).await?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Demo(args) => {
            let Ok(config) = load_config(&cli.common, Some(&args)) else {
                return Ok(ExitCode::FAILURE);
            };
            serve::init_logging(&config);
            let store = open_store(&config).await?;
            demo::load(&store)
                .await
                .context("cannot load the demo data")?;
            let blobs = verbund_store::blobs::BlobStore::open(&config.blob_location())
                .context("cannot open the blob store")?;
            demo::load_invoices(&store, &blobs)
                .await
                .context("cannot load the demo invoices")?;
            demo::print_welcome(&config);
            serve::serve(&config, store).await?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Migrate => {
            let Ok(config) = load_config(&cli.common, None) else {
                return Ok(ExitCode::FAILURE);
            };
            let store = open_store(&config).await?;
            for (version, name) in store.known_migrations() {
                println!("{version:04} {name}: applied");
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Audit(cmd) => {
            let Ok(config) = load_config(&cli.common, None) else {
                return Ok(ExitCode::FAILURE);
            };
            let store = open_store(&config).await?;
            audit::run(&store, &config, cmd).await
        }
        Command::Admin(cmd) => {
            let Ok(config) = load_config(&cli.common, None) else {
                return Ok(ExitCode::FAILURE);
            };
            let store = open_store(&config).await?;
            admin::run(&store, &config, cmd).await
        }
        Command::Einvoice(command) => Ok(einvoice::run(command)),
    }
}
