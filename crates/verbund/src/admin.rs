//! `verbund admin …`: creating authorities, users and API tokens directly on the database,
//! for bootstrapping a node and for recovery when nobody can log in.

use std::io::Read as _;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context as _, bail};
use clap::Subcommand;
use verbund_core::{
    AuthorityId, AuthorityKind, GovernmentKey, Password, RequestId, Role, Timestamp, TokenId,
    Username,
};
use verbund_store::blobs::BlobStore;
use verbund_store::{Actor, Context, NewAuthority, NewUser, Store};

use crate::config::Config;

#[derive(Subcommand)]
pub enum AdminCommand {
    /// Authorities (tenants).
    #[command(subcommand)]
    Authority(AuthorityCommand),
    /// User accounts.
    #[command(subcommand)]
    User(UserCommand),
    /// API tokens for service accounts.
    #[command(subcommand)]
    Token(TokenCommand),
    /// The blob store.
    #[command(subcommand)]
    Blobs(BlobsCommand),
}

#[derive(Subcommand)]
pub enum BlobsCommand {
    /// Remove blobs that no record references and temporary files of interrupted writes,
    /// once older than the grace period (each removal is audited). `serve` runs this
    /// periodically too (`housekeeping_interval_seconds`).
    Sweep {
        /// Only report what would be removed.
        #[arg(long)]
        dry_run: bool,
        /// Grace period in seconds; defaults to `blob_sweep_grace_seconds`.
        #[arg(long)]
        grace_seconds: Option<i64>,
        /// Print the report as JSON.
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand)]
pub enum AuthorityCommand {
    /// Create an authority.
    Create {
        /// Id: 2–64 characters of a-z, 0-9 and inner '-', e.g. sn-lra-zwickau.
        #[arg(long)]
        id: String,
        /// Official name.
        #[arg(long)]
        name: String,
        /// Government key: 01–16 for the Länder, 99 for the Bund.
        #[arg(long)]
        government: String,
        /// Kind: state_chancellery, ministry, it_service_provider, police, cash_office,
        /// municipality, other.
        #[arg(long, default_value = "other")]
        kind: String,
        /// Street and number.
        #[arg(long)]
        street: String,
        /// Postal code.
        #[arg(long)]
        postal_code: String,
        /// City.
        #[arg(long)]
        city: String,
    },
    /// List the authorities.
    List,
}

#[derive(Subcommand)]
pub enum UserCommand {
    /// Create a user in an authority. The password is read from --password-file or stdin.
    Create {
        /// The user's home authority.
        #[arg(long)]
        authority: String,
        /// Login name.
        #[arg(long)]
        username: String,
        /// Name shown in the UI.
        #[arg(long)]
        display_name: String,
        /// Role in the authority (repeatable): administrator, clerk, auditor.
        #[arg(long = "role")]
        roles: Vec<String>,
        /// Make the user a node operator.
        #[arg(long)]
        operator: bool,
        /// File holding the password (otherwise read from stdin).
        #[arg(long)]
        password_file: Option<PathBuf>,
    },
    /// Set a new password, end every session of the user and lift the login delays. The
    /// password is read from --password-file or stdin.
    SetPassword {
        /// Login name.
        #[arg(long)]
        username: String,
        /// File holding the password (otherwise read from stdin).
        #[arg(long)]
        password_file: Option<PathBuf>,
    },
}

#[derive(Subcommand)]
pub enum TokenCommand {
    /// Create an API token and print it (only this once).
    Create {
        /// The authority the token acts for.
        #[arg(long)]
        authority: String,
        /// The token's role: administrator, clerk, auditor.
        #[arg(long)]
        role: String,
        /// What will use it.
        #[arg(long, default_value = "cli")]
        name: String,
        /// Lifetime in days; none for no expiry.
        #[arg(long)]
        expires_in_days: Option<u32>,
    },
    /// Revoke a token.
    Revoke {
        /// The authority the token acts for.
        #[arg(long)]
        authority: String,
        /// The token id (not the secret).
        #[arg(long)]
        id: String,
    },
}

fn ctx() -> Context {
    Context {
        actor: Actor::System("cli"),
        request_id: RequestId::internal("cli"),
    }
}

fn read_password(file: Option<&PathBuf>) -> anyhow::Result<Password> {
    let raw = if let Some(path) = file {
        std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?
    } else {
        let mut s = String::new();
        std::io::stdin()
            .read_to_string(&mut s)
            .context("cannot read the password from stdin")?;
        s
    };
    Ok(Password::new(raw.trim_end_matches(['\n', '\r']))?)
}

pub async fn run(store: &Store, config: &Config, cmd: AdminCommand) -> anyhow::Result<ExitCode> {
    match cmd {
        AdminCommand::Authority(cmd) => authority(store, cmd).await?,
        AdminCommand::User(cmd) => user(store, cmd).await?,
        AdminCommand::Token(cmd) => token(store, cmd).await?,
        AdminCommand::Blobs(BlobsCommand::Sweep {
            dry_run,
            grace_seconds,
            json,
        }) => {
            let blobs =
                BlobStore::open(&config.blob_location()).context("cannot open the blob store")?;
            let grace = grace_seconds.unwrap_or(config.blob_sweep_grace_seconds);
            if grace < 0 {
                bail!("--grace-seconds must not be negative");
            }
            let report = verbund_store::sweep::sweep(store, &blobs, grace, dry_run).await?;
            if json {
                println!("{}", serde_json::to_string_pretty(&report)?);
            } else {
                let verb = if dry_run { "would remove" } else { "removed" };
                for o in &report.orphans {
                    println!(
                        "{verb} {} {} ({} bytes)",
                        o.authority_id, o.key, o.size_bytes
                    );
                }
                for t in &report.temp_files {
                    println!("{verb} temporary file {t}");
                }
                println!(
                    "{} blobs checked: {} orphan(s), {} temporary file(s) {verb}",
                    report.blobs_seen,
                    report.orphans.len(),
                    report.temp_files.len()
                );
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

async fn authority(store: &Store, cmd: AuthorityCommand) -> anyhow::Result<()> {
    match cmd {
        AuthorityCommand::Create {
            id,
            name,
            government,
            kind,
            street,
            postal_code,
            city,
        } => {
            let new = NewAuthority {
                id: AuthorityId::new(&id)?,
                government_key: government.parse::<GovernmentKey>()?,
                kind: kind.parse::<AuthorityKind>()?,
                name,
                street,
                postal_code,
                city,
                email: None,
                leitweg_id: None,
                ags: None,
            };
            let a = store.admin().authority_create(&ctx(), &new).await?;
            println!("created authority {} ({})", a.id, a.name);
        }
        AuthorityCommand::List => {
            let mut after: Option<AuthorityId> = None;
            loop {
                let page = store.admin().authorities(None, after.as_ref(), 200).await?;
                for a in &page.items {
                    println!(
                        "{}\t{}\t{}\t{}",
                        a.id,
                        a.government_key,
                        a.kind.as_str(),
                        a.name
                    );
                }
                match page.next_cursor {
                    Some(c) => after = Some(AuthorityId::new(&c)?),
                    None => break,
                }
            }
        }
    }
    Ok(())
}

async fn user(store: &Store, cmd: UserCommand) -> anyhow::Result<()> {
    match cmd {
        UserCommand::Create {
            authority,
            username,
            display_name,
            roles,
            operator,
            password_file,
        } => {
            let authority = AuthorityId::new(&authority)?;
            let roles = roles
                .iter()
                .map(|r| r.parse::<Role>())
                .collect::<Result<Vec<_>, _>>()?;
            if roles.is_empty() && !operator {
                bail!("give at least one --role (administrator, clerk, auditor) or --operator");
            }
            let new = NewUser {
                username: Username::new(&username)?,
                display_name,
                email: None,
                password: Some(read_password(password_file.as_ref())?),
                roles,
                is_operator: operator,
            };
            let user = store.admin().user_create(&ctx(), &authority, new).await?;
            println!("created user {} ({})", user.username, user.id);
        }
        UserCommand::SetPassword {
            username,
            password_file,
        } => {
            let user = store
                .admin()
                .user_by_username(&Username::new(&username)?)
                .await?;
            let ended = store
                .admin()
                .password_set(&ctx(), user.id, read_password(password_file.as_ref())?)
                .await?;
            println!(
                "password set for {}; {ended} session(s) ended",
                user.username
            );
        }
    }
    Ok(())
}

async fn token(store: &Store, cmd: TokenCommand) -> anyhow::Result<()> {
    match cmd {
        TokenCommand::Create {
            authority,
            role,
            name,
            expires_in_days,
        } => {
            let authority = AuthorityId::new(&authority)?;
            let role = role.parse::<Role>()?;
            let expires_at: Option<Timestamp> =
                expires_in_days.map(|d| store.clock().now().plus_seconds(i64::from(d) * 86_400));
            let (token, secret) = store
                .tenant(&authority)
                .token_create(&ctx(), &name, role, expires_at)
                .await
                .with_context(|| format!("cannot create a token for authority {authority}"))?;
            eprintln!(
                "token {} for {} as {}; shown only now:",
                token.id, authority, role
            );
            println!("{secret}");
        }
        TokenCommand::Revoke { authority, id } => {
            let authority = AuthorityId::new(&authority)?;
            let id: TokenId = id.parse()?;
            store.tenant(&authority).token_revoke(&ctx(), id).await?;
            println!("revoked token {id}");
        }
    }
    Ok(())
}
