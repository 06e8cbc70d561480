//! `gatehouse`: the console and the gateway, plus the admin commands. `serve` builds the
//! shared services once and hands them to both listeners.

use std::io::BufRead;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use server::config::Settings;
use server::database::Database;
use server::gateway_server::GatewayServer;
use server::services::Services;
use server::startup::Application;

#[derive(Parser)]
#[command(
    name = "gatehouse",
    version,
    about = "Self-hosted identity-aware API gateway with a browser console"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Start the console (GATEHOUSE_LISTEN, default 127.0.0.1:3000).
    Serve,
    /// Apply database migrations and exit.
    Migrate,
    /// Administrator account commands.
    Admin {
        #[command(subcommand)]
        command: AdminCommand,
    },
}

#[derive(Subcommand)]
enum AdminCommand {
    /// Reset an administrator's password. Reads the new password from GATEHOUSE_ADMIN_PASSWORD,
    /// or else from the first line of standard input.
    SetPassword {
        #[arg(long, default_value = "admin")]
        username: String,
    },
}

#[tokio::main]
async fn main() -> ExitCode {
    server::telemetry::init();
    let cli = Cli::parse();
    let settings = match Settings::from_env() {
        Ok(s) => s,
        Err(e) => {
            eprintln!("gatehouse: configuration error: {e}");
            return ExitCode::from(2);
        }
    };
    let result = match cli.command {
        Command::Serve => serve(settings).await,
        Command::Migrate => migrate(settings).await,
        Command::Admin {
            command: AdminCommand::SetPassword { username },
        } => set_password(settings, &username).await,
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            tracing::error!("{message}");
            eprintln!("gatehouse: {message}");
            ExitCode::FAILURE
        }
    }
}

async fn serve(settings: Settings) -> Result<(), String> {
    let db = Database::open(&settings).await.map_err(|e| e.to_string())?;
    match accounts::ensure_initial_admin(&db.pool, settings.admin_password.as_deref()).await {
        Ok(accounts::InitialAdmin::CreatedWithGeneratedPassword(password)) => {
            // Printed once, to the terminal that started the first run, and never through the
            // structured log (which may be shipped and kept elsewhere); never stored in clear.
            tracing::warn!(
                "created administrator 'admin' with a generated password (printed to the terminal only); \
                 change it under Settings, or reset it with `gatehouse admin set-password`"
            );
            eprintln!("Gatehouse: generated password for administrator 'admin': {password}");
        }
        Ok(accounts::InitialAdmin::CreatedWithGivenPassword) => {
            tracing::info!(
                "created administrator 'admin' with the password from GATEHOUSE_ADMIN_PASSWORD"
            );
        }
        Ok(accounts::InitialAdmin::AlreadyPresent) => {}
        Err(e) => {
            db.close().await;
            return Err(format!("cannot create the first administrator: {e}"));
        }
    }
    let master_key = match settings.load_master_key() {
        Ok(key) => key,
        Err(e) => {
            db.close().await;
            return Err(format!("master key: {e}"));
        }
    };
    tracing::info!(master_key.id = %master_key.key_id(), "master key loaded");
    if let Some((id, secret)) = &settings.bootstrap_access_key {
        match accounts::ensure_access_key(&db.pool, &master_key, id, secret, "environment").await {
            Ok(outcome) => {
                tracing::info!(access_key_id = %id, ?outcome, "access key from the environment")
            }
            Err(e) => {
                db.close().await;
                return Err(format!(
                    "GATEHOUSE_ACCESS_KEY_ID / GATEHOUSE_SECRET_ACCESS_KEY: {e}"
                ));
            }
        }
    }
    // The console's address comes first: the identity provider's issuers are under its URL.
    let bound = tokio::net::TcpListener::bind(settings.listen)
        .await
        .and_then(|listener| Ok((listener.local_addr()?, listener)));
    let (addr, console) = match bound {
        Ok(bound) => bound,
        Err(e) => {
            db.close().await;
            return Err(format!("cannot listen on {}: {e}", settings.listen));
        }
    };
    // Built once, shared by the console, the management API and the gateway.
    let services = Services::new(
        &settings,
        db.pool.clone(),
        master_key,
        settings.console_url(addr),
    );
    let app = match Application::new(&settings, console, &services, db.label.clone()) {
        Ok(app) => app,
        Err(e) => {
            db.close().await;
            return Err(format!("cannot listen on {}: {e}", settings.listen));
        }
    };
    let gateway = match GatewayServer::bind(settings.gateway_listen, &services).await {
        Ok(g) => g.with_limits(settings.limits.clone()),
        Err(e) => {
            db.close().await;
            return Err(format!(
                "cannot listen on GATEHOUSE_GATEWAY_LISTEN {}: {e}",
                settings.gateway_listen
            ));
        }
    };
    tracing::info!(url = %settings.console_url(addr), "console listening");
    tracing::info!(url = %settings.gateway_url(), "gateway listening");
    println!("Gatehouse console: {}", settings.console_url(addr));
    println!(
        "Gatehouse gateway: {}/{{restApiId}}/{{stage}}/",
        settings.gateway_url()
    );
    // One signal stops both listeners.
    let (stop, stopped) = tokio::sync::watch::channel(false);
    tokio::spawn(async move {
        shutdown_signal().await;
        let _ = stop.send(true);
    });
    let until = |mut rx: tokio::sync::watch::Receiver<bool>| async move {
        let _ = rx.wait_for(|stopped| *stopped).await;
    };
    let (served, gateway_served) = tokio::join!(
        app.run_until(until(stopped.clone())),
        gateway.run_until(until(stopped))
    );
    if let Err(e) = gateway_served {
        tracing::error!(error = %e, "gateway listener failed");
    }
    tracing::info!("shutting down");
    db.close().await;
    served.map_err(|e| format!("server error: {e}"))
}

async fn migrate(settings: Settings) -> Result<(), String> {
    let db = Database::open(&settings).await.map_err(|e| e.to_string())?;
    tracing::info!("migrations applied");
    db.close().await;
    Ok(())
}

async fn set_password(settings: Settings, username: &str) -> Result<(), String> {
    let password = match settings.admin_password.clone() {
        Some(p) => p,
        None => {
            eprintln!("New password for {username}:");
            let mut line = String::new();
            std::io::stdin()
                .lock()
                .read_line(&mut line)
                .map_err(|e| format!("cannot read the password: {e}"))?;
            line.trim_end_matches(['\r', '\n']).to_string()
        }
    };
    let db = Database::open(&settings).await.map_err(|e| e.to_string())?;
    let result = accounts::set_password(&db.pool, username, &password).await;
    // A reset (a forgotten or leaked password) signs the administrator out everywhere.
    let ended = match &result {
        Ok(admin) => accounts::end_admin_sessions(&db.pool, admin.id, None)
            .await
            .map_err(|e| e.to_string()),
        Err(_) => Ok(0),
    };
    db.close().await;
    match (result, ended) {
        (Ok(admin), Ok(ended)) => {
            println!(
                "Password for administrator '{}' changed; {ended} console session(s) ended.",
                admin.username
            );
            Ok(())
        }
        (Ok(_), Err(e)) => Err(format!("password changed, but ending sessions failed: {e}")),
        (Err(e), _) => Err(e.to_string()),
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
}
