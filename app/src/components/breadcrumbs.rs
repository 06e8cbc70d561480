use leptos::prelude::*;

/// The crumbs of a trail: a label and, except for the current page, a link.
#[derive(Debug, Clone, PartialEq)]
pub struct Crumbs(pub Vec<(String, Option<String>)>);

impl From<Vec<(&'static str, Option<&'static str>)>> for Crumbs {
    fn from(crumbs: Vec<(&'static str, Option<&'static str>)>) -> Self {
        Crumbs(
            crumbs
                .into_iter()
                .map(|(label, href)| (label.to_string(), href.map(str::to_string)))
                .collect(),
        )
    }
}

impl From<Vec<(String, Option<String>)>> for Crumbs {
    fn from(crumbs: Vec<(String, Option<String>)>) -> Self {
        Crumbs(crumbs)
    }
}

/// A trail from the console home to the current page; the last crumb is the page itself.
#[component]
pub fn Breadcrumbs(#[prop(into)] crumbs: Crumbs) -> impl IntoView {
    let crumbs = crumbs.0;
    let last = crumbs.len().saturating_sub(1);
    view! {
        <nav aria-label="Breadcrumb" class="mb-4 text-sm text-slate-500 dark:text-slate-400">
            <ol class="flex flex-wrap items-center gap-1">
                {crumbs
                    .into_iter()
                    .enumerate()
                    .map(|(i, (label, href))| {
                        let sep = (i > 0).then(|| view! { <span aria-hidden="true" class="px-1">"/"</span> });
                        let item = match href {
                            Some(href) if i != last => {
                                view! { <a class="hover:underline" href=href>{label}</a> }.into_any()
                            }
                            _ => {
                                view! {
                                    <span aria-current="page" class="text-slate-700 dark:text-slate-200">{label}</span>
                                }
                                    .into_any()
                            }
                        };
                        view! { <li class="flex items-center">{sep}{item}</li> }
                    })
                    .collect_view()}
            </ol>
        </nav>
    }
}
