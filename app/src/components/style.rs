//! Class lists of the console's shared look (cards, tables, muted text, links), so that every
//! page draws them the same way. Form controls and buttons are in [`super::form`].

/// A card: a bordered panel on a page.
pub const CARD: &str =
    "rounded-xl border border-slate-200 bg-white p-5 dark:border-slate-800 dark:bg-slate-900";
/// A table header cell.
pub const TH: &str = "py-2 pr-3 font-medium";
/// A muted paragraph.
pub const MUTED: &str = "text-sm text-slate-500 dark:text-slate-400";
/// An empty state inside a card.
pub const EMPTY: &str = "mt-4 rounded-lg border border-dashed border-slate-300 p-6 text-center text-sm text-slate-500 dark:border-slate-700 dark:text-slate-400";
/// A small text button that deletes something.
pub const LINK_DANGER: &str = "text-sm text-red-600 hover:underline dark:text-red-400";
/// A small text button.
pub const LINK: &str = "text-sm text-indigo-600 hover:underline dark:text-indigo-400";
/// A block of monospace text that wraps anywhere (tokens, secrets, ARNs).
pub const CODE_BLOCK: &str = "block min-w-0 flex-1 break-all rounded-md bg-slate-100 px-2 py-1.5 font-mono text-xs text-slate-800 dark:bg-slate-800 dark:text-slate-100";
/// A small pill (HTTP verbs, types).
pub const BADGE: &str = "inline-flex items-center rounded bg-slate-100 px-1.5 py-0.5 font-mono text-xs font-medium text-slate-700 dark:bg-slate-800 dark:text-slate-200";
