import ArgumentParser
import Foundation
import GeoData
import Geometry
import Projection

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
        subcommands: [Wards.self]
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
        } catch let error as DataError {
            Terminal.error("error: \(error)")
            exit(1)
        } catch let error as ProjectionError {
            Terminal.error("error: \(error)")
            exit(1)
        } catch let error as GeometryError {
            Terminal.error("error: \(error)")
            exit(1)
        } catch let error as ValidationError {
            Terminal.error("error: \(error.message)")
            exit(2)
        } catch {
            Terminal.error("error: \(error)")
            exit(1)
        }
    }
}
