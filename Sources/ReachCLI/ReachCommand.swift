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
        subcommands: [Run.self, Wards.self, Distance.self, Nearest.self, Network.self, Coverage.self, Gaps.self, Departures.self, PublicTransport.self, Isochrone.self, Broadband.self, Score.self, Explain.self, Map.self, Export.self, Validate.self]
    )
}

/// Runs the command, mapping failures to the documented exit codes: 1 for bad input, 2 for usage.
@main
enum ReachMain {
    static func main() {
        let command: ParsableCommand
        do {
            command = try ReachCommand.parseAsRoot()
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
