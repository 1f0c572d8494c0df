//! A small macro for the closed sets of values (statuses, kinds, levels).

/// Declares a string-valued enum with `as_str`, `ALL`, `FromStr` (an
/// [`Error::Invalid`](crate::Error::Invalid) naming `$field`) and serde; each variant's doc is its text.
#[macro_export]
macro_rules! string_enum {
    ($(#[$meta:meta])* $name:ident, field = $field:literal { $($variant:ident => $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        // Every text is the snake_case of its variant, which serde (and the
        // OpenAPI schema) derive from `rename_all`; a test checks they agree.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
        #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
        #[serde(rename_all = "snake_case")]
        pub enum $name {
            $(
                #[doc = concat!("`", $text, "`")]
                $variant
            ),+
        }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The stored and displayed form.
            pub const fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $text),+
                }
            }
        }

        impl std::str::FromStr for $name {
            type Err = $crate::Error;

            fn from_str(s: &str) -> $crate::Result<Self> {
                match s {
                    $($text => Ok($name::$variant),)+
                    other => Err($crate::Error::invalid(
                        $field,
                        format!(
                            "{other:?} is not one of {}",
                            [$($text),+].join(", ")
                        ),
                    )),
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}
