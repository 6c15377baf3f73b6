//! Component tests: screens rendered to HTML with dioxus-ssr from fixed views.
