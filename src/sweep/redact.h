// Redaction of secrets written into launch commands before they are stored
// (config details, run matrix text) or printed: the values of flags and
// environment assignments whose name has a component key, token, password,
// passwd, pwd, secret or credential(s) (`--api-key X`, `--hf-token=X`,
// `HF_TOKEN=X`, `OPENAI_API_KEY=X`) become `***`. References to variables
// (`--api-key $VLLM_API_KEY`) are kept: secrets belong in the environment.
//
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace infx::sweep {

inline constexpr std::string_view kRedacted = "***";

// True when a flag or variable name ("--api-key", "HF_TOKEN") names a secret.
bool IsSecretName(std::string_view name);

// `text` (a shell command line, or a whole matrix document) with the values
// of secret-named flags and assignments replaced by kRedacted; quoting and
// everything else kept as written.
std::string RedactSecrets(const std::string& text);

// The secret values RedactSecrets would replace in `command`, as written
// and with their outer quotes removed (values under 3 characters left out).
std::vector<std::string> SecretValues(const std::string& command);

// `text` with every occurrence of each of `values` replaced by kRedacted:
// for a document that quotes commands its own way (the matrix YAML).
std::string RedactValues(std::string text,
                         const std::vector<std::string>& values);

}  // namespace infx::sweep
