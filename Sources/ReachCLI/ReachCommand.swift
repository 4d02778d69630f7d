import ArgumentParser
import Foundation

/// The `reach` command: subcommands over the library, one file each under Commands/.
struct ReachCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reach",
        abstract: "Measure how connected England's neighbourhoods are: services, transport and broadband per ward.",
        discussion: """
        Exit codes: 0 success; 1 bad input (the message names the file, the record and what is wrong); \
        2 wrong usage (unknown flag, missing argument).
        """,
        version: "0.1.0",
        subcommands: [Run.self, Wards.self, Distance.self, Nearest.self, Network.self, Coverage.self, Gaps.self, Departures.self, PublicTransport.self, Isochrone.self, Broadband.self, Score.self, Explain.self, Map.self, Report.self, Export.self, Compare.self, Validate.self]
    )
}

/// `--radius -5` as `--radius=-5` (and `--from -2.35,53.4` as `--from=-2.35,53.4`): argument parsing would read `-5` as a short flag and say "Missing value", where
/// the option's own check says what is wrong with a negative number. reach has no short flag that is a digit.
func joiningNegativeValues(_ arguments: [String]) -> [String] {
    var joined: [String] = []
    var index = 0
    while index < arguments.count {
        let argument = arguments[index]
        if argument == "--" { joined += arguments[index...]; break }
        if argument.hasPrefix("--"), !argument.contains("="), index + 1 < arguments.count,
           arguments[index + 1].hasPrefix("-"), let second = arguments[index + 1].dropFirst().first, second.isASCII,
           second.isNumber || second == "." {
            joined.append("\(argument)=\(arguments[index + 1])")
            index += 2
            continue
        }
        joined.append(argument)
        index += 1
    }
    return joined
}

/// Runs the command, mapping failures to the documented exit codes: 1 for bad input, 2 for usage.
@main
enum ReachMain {
    static func main() {
        let command: ParsableCommand
        do {
            command = try ReachCommand.parseAsRoot(joiningNegativeValues(Array(CommandLine.arguments.dropFirst())))
        } catch {
            let code = ReachCommand.exitCode(for: error)
            if code == .success { ReachCommand.exit(withError: error) }
            Terminal.error(ReachCommand.fullMessage(for: error))
            exit(2)
        }
        do {
            var runnable = command
            try runnable.run()
        } catch let error as ExitCode {
            exit(error.rawValue)
        } catch {
            switch ReachCommand.exitCode(for: error) {
            case .success:
                // --help and --version reach here as "errors" that print and exit 0.
                ReachCommand.exit(withError: error)
            case .validationFailure:
                Terminal.error(ReachCommand.fullMessage(for: error))
                exit(2)
            default:
                // DataError, ProjectionError and GeometryError describe themselves in one line naming the input.
                Terminal.error("error: \(error)")
                exit(1)
            }
        }
    }
}
