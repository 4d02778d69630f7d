/// Text every subcommand's --help shares.
enum HelpText {
    static let exitCodes = "Exit codes: 0 success; 1 bad input (the message names the file, the record or line, and what is wrong); 2 wrong usage (unknown flag, missing argument)."
}
