//! clap's own words in Bahasa Indonesia: the usage line and its heading, the section headings,
//! the help and version flags, and the lists of accepted and default values. Applied to the
//! whole command tree before parsing.

use clap::{Arg, ArgAction, Command};

/// The command tree with every heading, usage line and built-in flag in Bahasa.
pub(super) fn localize(root: Command) -> Command {
    let root = root.disable_version_flag(true).arg(
        Arg::new("versi")
            .short('V')
            .long("version")
            .action(ArgAction::Version)
            .help("Tampilkan versi merit")
            .help_heading("Opsi"),
    );
    tree(root, "merit")
}

fn tree(cmd: Command, path: &str) -> Command {
    let mut cmd = cmd
        .disable_help_flag(true)
        .arg(
            Arg::new("bantuan")
                .short('h')
                .long("help")
                .action(ArgAction::Help)
                .global(true)
                .help("Tampilkan bantuan ini")
                .help_heading("Opsi"),
        )
        .subcommand_help_heading("Perintah")
        .subcommand_value_name("PERINTAH")
        .help_template("{about-with-newline}\nPenggunaan: {usage}\n\n{all-args}{after-help}");
    // Headings and help changed in place keep the order the arguments are declared in.
    let mut order = 0;
    cmd = cmd.mut_args(|a| {
        order += 1;
        describe(a).display_order(order)
    });
    let names: Vec<String> = cmd
        .get_subcommands()
        .map(|s| s.get_name().to_owned())
        .collect();
    for name in names {
        let child_path = format!("{path} {name}");
        cmd = cmd.mut_subcommand(&name, |s| tree(s, &child_path));
    }
    let usage = usage_line(&cmd, path);
    cmd.override_usage(usage)
}

/// `merit import [OPSI] <JENIS> <BERKAS>`, `merit rules [OPSI] <PERINTAH>`.
fn usage_line(cmd: &Command, path: &str) -> String {
    let mut line = format!("{path} [OPSI]");
    for a in cmd.get_positionals() {
        let name = a
            .get_value_names()
            .and_then(|v| v.first())
            .map_or_else(|| a.get_id().as_str().to_uppercase(), ToString::to_string);
        if a.is_required_set() {
            line.push_str(&format!(" <{name}>"));
        } else {
            line.push_str(&format!(" [{name}]"));
        }
    }
    if cmd.has_subcommands() {
        line.push_str(" <PERINTAH>");
    }
    line
}

/// Positional arguments under "Argumen", options under "Opsi"; accepted and default values
/// written into the help text in Bahasa instead of clap's English brackets.
fn describe(a: Arg) -> Arg {
    let heading = if a.is_positional() { "Argumen" } else { "Opsi" };
    let values: Vec<String> = a
        .get_possible_values()
        .iter()
        .filter(|v| !v.is_hide_set())
        .map(|v| v.get_name().to_owned())
        .collect();
    let defaults: Vec<String> = a
        .get_default_values()
        .iter()
        .map(|v| v.to_string_lossy().into_owned())
        .collect();
    let takes_value = a.get_action().takes_values();
    let mut help = a.get_help().map(ToString::to_string).unwrap_or_default();
    if takes_value && !values.is_empty() {
        help.push_str(&format!(" (pilihan: {})", values.join(", ")));
    }
    if takes_value && !defaults.is_empty() {
        help.push_str(&format!(" (bawaan: {})", defaults.join(", ")));
    }
    let a = a.help_heading(heading).help(help);
    if takes_value {
        a.hide_possible_values(true).hide_default_value(true)
    } else {
        a
    }
}
