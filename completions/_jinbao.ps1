
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'jinbao' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'jinbao'
        for ($i = 1; $i -lt $commandElements.Count; $i++) {
            $element = $commandElements[$i]
            if ($element -isnot [StringConstantExpressionAst] -or
                $element.StringConstantType -ne [StringConstantType]::BareWord -or
                $element.Value.StartsWith('-') -or
                $element.Value -eq $wordToComplete) {
                break
        }
        $element.Value
    }) -join ';'

    $completions = @(switch ($command) {
        'jinbao' {
            [CompletionResult]::new('--profiles', '--profiles', [CompletionResultType]::ParameterName, 'Folder with province.toml, cities/ and env/ [default: the project''s profiles/, the project found from the current folder upwards, or JINBAO_HOME]')
            [CompletionResult]::new('--env', '--env', [CompletionResultType]::ParameterName, 'Environment overlay from <profiles>/env/ [default: sandbox]')
            [CompletionResult]::new('--set', '--set', [CompletionResultType]::ParameterName, 'Override a profile value for this run, as KEY=VALUE (e.g. app.keep_releases=3)')
            [CompletionResult]::new('--state-dir', '--state-dir', [CompletionResultType]::ParameterName, 'Folder for journals, locks, histories and the sandbox [default: the project''s .jinbao/]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR and TERM=dumb are respected)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable JSON on stdout, nothing else mixed in (docs/json.md)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail (repeat for debug logs)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail (repeat for debug logs)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to confirmations. Given before the command for scripts written when every command took it; the commands that ask take `--yes` themselves')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations. Given before the command for scripts written when every command took it; the commands that ask take `--yes` themselves')
            [CompletionResult]::new('--show-personal-data', '--show-personal-data', [CompletionResultType]::ParameterName, 'Show ID numbers and names in full (each use is recorded in the audit log)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('profile', 'profile', [CompletionResultType]::ParameterValue, 'List, show, validate and compare profiles')
            [CompletionResult]::new('ping', 'ping', [CompletionResultType]::ParameterValue, 'Connect to every server of the target: reachability, latency and basic facts')
            [CompletionResult]::new('exec', 'exec', [CompletionResultType]::ParameterValue, 'Run a command on every server of the target')
            [CompletionResult]::new('provision', 'provision', [CompletionResultType]::ParameterValue, 'Build servers from their profile: plan, apply')
            [CompletionResult]::new('net', 'net', [CompletionResultType]::ParameterValue, 'Network checks: routes and endpoints from every server')
            [CompletionResult]::new('release', 'release', [CompletionResultType]::ParameterValue, 'Releases of the unified application: pack, inspect')
            [CompletionResult]::new('rollout', 'rollout', [CompletionResultType]::ParameterValue, 'Roll a release out city by city, wave by wave')
            [CompletionResult]::new('rollback', 'rollback', [CompletionResultType]::ParameterValue, 'Switch a city back to its previous release')
            [CompletionResult]::new('releases', 'releases', [CompletionResultType]::ParameterValue, 'What is installed on each server, and which release is current')
            [CompletionResult]::new('health', 'health', [CompletionResultType]::ParameterValue, 'Health of servers, services and databases (exit 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN)')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Where every city stands: milestones, score, release, health, data, schema')
            [CompletionResult]::new('report', 'report', [CompletionResultType]::ParameterValue, 'The province''s assessment as one HTML page, or its table as CSV or Markdown')
            [CompletionResult]::new('data', 'data', [CompletionResultType]::ParameterValue, 'County data: synth, import, check, compare, progress')
            [CompletionResult]::new('db', 'db', [CompletionResultType]::ParameterValue, 'Databases: init, migrate, status, drift, baseline, repair')
            [CompletionResult]::new('lock', 'lock', [CompletionResultType]::ParameterValue, 'Locks: who holds what, since when (break one with `rollout unlock`)')
            [CompletionResult]::new('audit', 'audit', [CompletionResultType]::ParameterValue, 'The audit log: every change jinbao made, who made it, when and how it ended')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print a shell completion script')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'jinbao;profile' {
            [CompletionResult]::new('--profiles', '--profiles', [CompletionResultType]::ParameterName, 'Folder with province.toml, cities/ and env/ [default: the project''s profiles/, the project found from the current folder upwards, or JINBAO_HOME]')
            [CompletionResult]::new('--env', '--env', [CompletionResultType]::ParameterName, 'Environment overlay from <profiles>/env/ [default: sandbox]')
            [CompletionResult]::new('--set', '--set', [CompletionResultType]::ParameterName, 'Override a profile value for this run, as KEY=VALUE (e.g. app.keep_releases=3)')
            [CompletionResult]::new('--state-dir', '--state-dir', [CompletionResultType]::ParameterName, 'Folder for journals, locks, histories and the sandbox [default: the project''s .jinbao/]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR and TERM=dumb are respected)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable JSON on stdout, nothing else mixed in (docs/json.md)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail (repeat for debug logs)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail (repeat for debug logs)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors')
            [CompletionResult]::new('--show-personal-data', '--show-personal-data', [CompletionResultType]::ParameterName, 'Show ID numbers and names in full (each use is recorded in the audit log)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'Every city: code, name, pinyin, wave, servers, database engine')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'The effective profile of one city (pinyin, Chinese name or code)')
            [CompletionResult]::new('validate', 'validate', [CompletionResultType]::ParameterValue, 'Check every profile (or the named cities); exit 2 on any error')
            [CompletionResult]::new('diff', 'diff', [CompletionResultType]::ParameterValue, 'How two cities'' effective profiles differ')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'jinbao;profile;list' {
            [CompletionResult]::new('--profiles', '--profiles', [CompletionResultType]::ParameterName, 'Folder with province.toml, cities/ and env/ [default: the project''s profiles/, the project found from the current folder upwards, or JINBAO_HOME]')
            [CompletionResult]::new('--env', '--env', [CompletionResultType]::ParameterName, 'Environment overlay from <profiles>/env/ [default: sandbox]')
            [CompletionResult]::new('--set', '--set', [CompletionResultType]::ParameterName, 'Override a profile value for this run, as KEY=VALUE (e.g. app.keep_releases=3)')
            [CompletionResult]::new('--state-dir', '--state-dir', [CompletionResultType]::ParameterName, 'Folder for journals, locks, histories and the sandbox [default: the project''s .jinbao/]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR and TERM=dumb are respected)')
            [CompletionResult]::new('--province', '--province', [CompletionResultType]::ParameterName, 'Also list the province center (marked as kind "province")')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable JSON on stdout, nothing else mixed in (docs/json.md)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail (repeat for debug logs)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail (repeat for debug logs)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors')
            [CompletionResult]::new('--show-personal-data', '--show-personal-data', [CompletionResultType]::ParameterName, 'Show ID numbers and names in full (each use is recorded in the audit log)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'jinbao;profile;show' {
            [CompletionResult]::new('--profiles', '--profiles', [CompletionResultType]::ParameterName, 'Folder with province.toml, cities/ and env/ [default: the project''s profiles/, the project found from the current folder upwards, or JINBAO_HOME]')
            [CompletionResult]::new('--env', '--env', [CompletionResultType]::ParameterName, 'Environment overlay from <profiles>/env/ [default: sandbox]')
            [CompletionResult]::new('--set', '--set', [CompletionResultType]::ParameterName, 'Override a profile value for this run, as KEY=VALUE (e.g. app.keep_releases=3)')
            [CompletionResult]::new('--state-dir', '--state-dir', [CompletionResultType]::ParameterName, 'Folder for journals, locks, histories and the sandbox [default: the project''s .jinbao/]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR and TERM=dumb are respected)')
            [CompletionResult]::new('--origin', '--origin', [CompletionResultType]::ParameterName, 'Show the file and line each value comes from')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable JSON on stdout, nothing else mixed in (docs/json.md)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail (repeat for debug logs)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail (repeat for debug logs)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors')
            [CompletionResult]::new('--show-personal-data', '--show-personal-data', [CompletionResultType]::ParameterName, 'Show ID numbers and names in full (each use is recorded in the audit log)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'jinbao;profile;validate' {
            [CompletionResult]::new('--profiles', '--profiles', [CompletionResultType]::ParameterName, 'Folder with province.toml, cities/ and env/ [default: the project''s profiles/, the project found from the current folder upwards, or JINBAO_HOME]')
            [CompletionResult]::new('--env', '--env', [CompletionResultType]::ParameterName, 'Environment overlay from <profiles>/env/ [default: sandbox]')
            [CompletionResult]::new('--set', '--set', [CompletionResultType]::ParameterName, 'Override a profile value for this run, as KEY=VALUE (e.g. app.keep_releases=3)')
            [CompletionResult]::new('--state-dir', '--state-dir', [CompletionResultType]::ParameterName, 'Folder for journals, locks, histories and the sandbox [default: the project''s .jinbao/]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR and TERM=dumb are respected)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable JSON on stdout, nothing else mixed in (docs/json.md)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail (repeat for debug logs)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail (repeat for debug logs)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors')
            [CompletionResult]::new('--show-personal-data', '--show-personal-data', [CompletionResultType]::ParameterName, 'Show ID numbers and names in full (each use is recorded in the audit log)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'jinbao;profile;diff' {
            [CompletionResult]::new('--profiles', '--profiles', [CompletionResultType]::ParameterName, 'Folder with province.toml, cities/ and env/ [default: the project''s profiles/, the project found from the current folder upwards, or JINBAO_HOME]')
            [CompletionResult]::new('--env', '--env', [CompletionResultType]::ParameterName, 'Environment overlay from <profiles>/env/ [default: sandbox]')
            [CompletionResult]::new('--set', '--set', [CompletionResultType]::ParameterName, 'Override a profile value for this run, as KEY=VALUE (e.g. app.keep_releases=3)')
            [CompletionResult]::new('--state-dir', '--state-dir', [CompletionResultType]::ParameterName, 'Folder for journals, locks, histories and the sandbox [default: the project''s .jinbao/]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR and TERM=dumb are respected)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable JSON on stdout, nothing else mixed in (docs/json.md)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail (repeat for debug logs)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail (repeat for debug logs)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors')
            [CompletionResult]::new('--show-personal-data', '--show-personal-data', [CompletionResultType]::ParameterName, 'Show ID numbers and names in full (each use is recorded in the audit log)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'jinbao;profile;help' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'Every city: code, name, pinyin, wave, servers, database engine')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'The effective profile of one city (pinyin, Chinese name or code)')
            [CompletionResult]::new('validate', 'validate', [CompletionResultType]::ParameterValue, 'Check every profile (or the named cities); exit 2 on any error')
            [CompletionResult]::new('diff', 'diff', [CompletionResultType]::ParameterValue, 'How two cities'' effective profiles differ')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'jinbao;profile;help;list' {
            break
        }
        'jinbao;profile;help;show' {
            break
        }
        'jinbao;profile;help;validate' {
            break
        }
        'jinbao;profile;help;diff' {
            break
        }
        'jinbao;profile;help;help' {
            break
        }
        'jinbao;ping' {
            [CompletionResult]::new('--wave', '--wave', [CompletionResultType]::ParameterName, 'Every city of a rollout wave (pilot, demonstration, general)')
            [CompletionResult]::new('--role', '--role', [CompletionResultType]::ParameterName, 'Only servers with this role (db, app, web, gateway)')
            [CompletionResult]::new('-j', '-j', [CompletionResultType]::ParameterName, 'Servers worked on at once')
            [CompletionResult]::new('--jobs', '--jobs', [CompletionResultType]::ParameterName, 'Servers worked on at once')
            [CompletionResult]::new('--profiles', '--profiles', [CompletionResultType]::ParameterName, 'Folder with province.toml, cities/ and env/ [default: the project''s profiles/, the project found from the current folder upwards, or JINBAO_HOME]')
            [CompletionResult]::new('--env', '--env', [CompletionResultType]::ParameterName, 'Environment overlay from <profiles>/env/ [default: sandbox]')
            [CompletionResult]::new('--set', '--set', [CompletionResultType]::ParameterName, 'Override a profile value for this run, as KEY=VALUE (e.g. app.keep_releases=3)')
            [CompletionResult]::new('--state-dir', '--state-dir', [CompletionResultType]::ParameterName, 'Folder for journals, locks, histories and the sandbox [default: the project''s .jinbao/]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR and TERM=dumb are respected)')
            [CompletionResult]::new('--all', '--all', [CompletionResultType]::ParameterName, 'Every city, wave by wave')
            [CompletionResult]::new('--accept-new-host-keys', '--accept-new-host-keys', [CompletionResultType]::ParameterName, 'Record the host key of a host missing from known_hosts (a changed key is always refused)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable JSON on stdout, nothing else mixed in (docs/json.md)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail (repeat for debug logs)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail (repeat for debug logs)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors')
            [CompletionResult]::new('--show-personal-data', '--show-personal-data', [CompletionResultType]::ParameterName, 'Show ID numbers and names in full (each use is recorded in the audit log)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'jinbao;exec' {
            [CompletionResult]::new('--wave', '--wave', [CompletionResultType]::ParameterName, 'Every city of a rollout wave (pilot, demonstration, general)')
            [CompletionResult]::new('--role', '--role', [CompletionResultType]::ParameterName, 'Only servers with this role (db, app, web, gateway)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Give up on a host''s command after this long (default: the profile''s command_timeout)')
            [CompletionResult]::new('-j', '-j', [CompletionResultType]::ParameterName, 'Servers worked on at once')
            [CompletionResult]::new('--jobs', '--jobs', [CompletionResultType]::ParameterName, 'Servers worked on at once')
            [CompletionResult]::new('--profiles', '--profiles', [CompletionResultType]::ParameterName, 'Folder with province.toml, cities/ and env/ [default: the project''s profiles/, the project found from the current folder upwards, or JINBAO_HOME]')
            [CompletionResult]::new('--env', '--env', [CompletionResultType]::ParameterName, 'Environment overlay from <profiles>/env/ [default: sandbox]')
            [CompletionResult]::new('--set', '--set', [CompletionResultType]::ParameterName, 'Override a profile value for this run, as KEY=VALUE (e.g. app.keep_releases=3)')
            [CompletionResult]::new('--state-dir', '--state-dir', [CompletionResultType]::ParameterName, 'Folder for journals, locks, histories and the sandbox [default: the project''s .jinbao/]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR and TERM=dumb are respected)')
            [CompletionResult]::new('--all', '--all', [CompletionResultType]::ParameterName, 'Every city, wave by wave')
            [CompletionResult]::new('--accept-new-host-keys', '--accept-new-host-keys', [CompletionResultType]::ParameterName, 'Record the host key of a host missing from known_hosts (a changed key is always refused)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable JSON on stdout, nothing else mixed in (docs/json.md)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail (repeat for debug logs)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail (repeat for debug logs)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors')
            [CompletionResult]::new('--show-personal-data', '--show-personal-data', [CompletionResultType]::ParameterName, 'Show ID numbers and names in full (each use is recorded in the audit log)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'jinbao;provision' {
            [CompletionResult]::new('--profiles', '--profiles', [CompletionResultType]::ParameterName, 'Folder with province.toml, cities/ and env/ [default: the project''s profiles/, the project found from the current folder upwards, or JINBAO_HOME]')
            [CompletionResult]::new('--env', '--env', [CompletionResultType]::ParameterName, 'Environment overlay from <profiles>/env/ [default: sandbox]')
            [CompletionResult]::new('--set', '--set', [CompletionResultType]::ParameterName, 'Override a profile value for this run, as KEY=VALUE (e.g. app.keep_releases=3)')
            [CompletionResult]::new('--state-dir', '--state-dir', [CompletionResultType]::ParameterName, 'Folder for journals, locks, histories and the sandbox [default: the project''s .jinbao/]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR and TERM=dumb are respected)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable JSON on stdout, nothing else mixed in (docs/json.md)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail (repeat for debug logs)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail (repeat for debug logs)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors')
            [CompletionResult]::new('--show-personal-data', '--show-personal-data', [CompletionResultType]::ParameterName, 'Show ID numbers and names in full (each use is recorded in the audit log)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('plan', 'plan', [CompletionResultType]::ParameterValue, 'What would change on every server (exit 0: nothing, 3: changes pending, 1: error); --out records it for `provision apply FILE`')
            [CompletionResult]::new('apply', 'apply', [CompletionResultType]::ParameterValue, 'Make the changes, for a target (asks first on a terminal unless --yes) or exactly as a plan FILE recorded them (a city whose servers moved since is refused)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'jinbao;provision;plan' {
            [CompletionResult]::new('--wave', '--wave', [CompletionResultType]::ParameterName, 'Every city of a rollout wave (pilot, demonstration, general)')
            [CompletionResult]::new('--role', '--role', [CompletionResultType]::ParameterName, 'Only servers with this role (db, app, web, gateway)')
            [CompletionResult]::new('-j', '-j', [CompletionResultType]::ParameterName, 'Servers worked on at once')
            [CompletionResult]::new('--jobs', '--jobs', [CompletionResultType]::ParameterName, 'Servers worked on at once')
            [CompletionResult]::new('--out', '--out', [CompletionResultType]::ParameterName, 'Also write the plan to FILE (JSON), for `provision apply FILE`')
            [CompletionResult]::new('--profiles', '--profiles', [CompletionResultType]::ParameterName, 'Folder with province.toml, cities/ and env/ [default: the project''s profiles/, the project found from the current folder upwards, or JINBAO_HOME]')
            [CompletionResult]::new('--env', '--env', [CompletionResultType]::ParameterName, 'Environment overlay from <profiles>/env/ [default: sandbox]')
            [CompletionResult]::new('--set', '--set', [CompletionResultType]::ParameterName, 'Override a profile value for this run, as KEY=VALUE (e.g. app.keep_releases=3)')
            [CompletionResult]::new('--state-dir', '--state-dir', [CompletionResultType]::ParameterName, 'Folder for journals, locks, histories and the sandbox [default: the project''s .jinbao/]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR and TERM=dumb are respected)')
            [CompletionResult]::new('--all', '--all', [CompletionResultType]::ParameterName, 'Every city, wave by wave')
            [CompletionResult]::new('--diff', '--diff', [CompletionResultType]::ParameterName, 'Show unified diffs of files')
            [CompletionResult]::new('--accept-new-host-keys', '--accept-new-host-keys', [CompletionResultType]::ParameterName, 'Record the host key of a host missing from known_hosts (a changed key is always refused)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable JSON on stdout, nothing else mixed in (docs/json.md)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail (repeat for debug logs)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail (repeat for debug logs)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors')
            [CompletionResult]::new('--show-personal-data', '--show-personal-data', [CompletionResultType]::ParameterName, 'Show ID numbers and names in full (each use is recorded in the audit log)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'jinbao;provision;apply' {
            [CompletionResult]::new('--wave', '--wave', [CompletionResultType]::ParameterName, 'Every city of a rollout wave (pilot, demonstration, general)')
            [CompletionResult]::new('--role', '--role', [CompletionResultType]::ParameterName, 'Only servers with this role (db, app, web, gateway)')
            [CompletionResult]::new('-j', '-j', [CompletionResultType]::ParameterName, 'Servers worked on at once')
            [CompletionResult]::new('--jobs', '--jobs', [CompletionResultType]::ParameterName, 'Servers worked on at once')
            [CompletionResult]::new('--override-window', '--override-window', [CompletionResultType]::ParameterName, 'Change a city outside its maintenance window, recording why')
            [CompletionResult]::new('--profiles', '--profiles', [CompletionResultType]::ParameterName, 'Folder with province.toml, cities/ and env/ [default: the project''s profiles/, the project found from the current folder upwards, or JINBAO_HOME]')
            [CompletionResult]::new('--env', '--env', [CompletionResultType]::ParameterName, 'Environment overlay from <profiles>/env/ [default: sandbox]')
            [CompletionResult]::new('--set', '--set', [CompletionResultType]::ParameterName, 'Override a profile value for this run, as KEY=VALUE (e.g. app.keep_releases=3)')
            [CompletionResult]::new('--state-dir', '--state-dir', [CompletionResultType]::ParameterName, 'Folder for journals, locks, histories and the sandbox [default: the project''s .jinbao/]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR and TERM=dumb are respected)')
            [CompletionResult]::new('--all', '--all', [CompletionResultType]::ParameterName, 'Every city, wave by wave')
            [CompletionResult]::new('--diff', '--diff', [CompletionResultType]::ParameterName, 'Show unified diffs of files')
            [CompletionResult]::new('--accept-new-host-keys', '--accept-new-host-keys', [CompletionResultType]::ParameterName, 'Record the host key of a host missing from known_hosts (a changed key is always refused)')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Show what would change, change nothing (the same as `provision plan`)')
            [CompletionResult]::new('--fail-fast', '--fail-fast', [CompletionResultType]::ParameterName, 'Stop every host at the first failure on any host')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to the confirmation (nothing is asked when stdin is not a terminal: the command then stops unless --yes is given)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to the confirmation (nothing is asked when stdin is not a terminal: the command then stops unless --yes is given)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable JSON on stdout, nothing else mixed in (docs/json.md)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail (repeat for debug logs)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail (repeat for debug logs)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors')
            [CompletionResult]::new('--show-personal-data', '--show-personal-data', [CompletionResultType]::ParameterName, 'Show ID numbers and names in full (each use is recorded in the audit log)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'jinbao;provision;help' {
            [CompletionResult]::new('plan', 'plan', [CompletionResultType]::ParameterValue, 'What would change on every server (exit 0: nothing, 3: changes pending, 1: error); --out records it for `provision apply FILE`')
            [CompletionResult]::new('apply', 'apply', [CompletionResultType]::ParameterValue, 'Make the changes, for a target (asks first on a terminal unless --yes) or exactly as a plan FILE recorded them (a city whose servers moved since is refused)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'jinbao;provision;help;plan' {
            break
        }
        'jinbao;provision;help;apply' {
            break
        }
        'jinbao;provision;help;help' {
            break
        }
        'jinbao;net' {
            [CompletionResult]::new('--profiles', '--profiles', [CompletionResultType]::ParameterName, 'Folder with province.toml, cities/ and env/ [default: the project''s profiles/, the project found from the current folder upwards, or JINBAO_HOME]')
            [CompletionResult]::new('--env', '--env', [CompletionResultType]::ParameterName, 'Environment overlay from <profiles>/env/ [default: sandbox]')
            [CompletionResult]::new('--set', '--set', [CompletionResultType]::ParameterName, 'Override a profile value for this run, as KEY=VALUE (e.g. app.keep_releases=3)')
            [CompletionResult]::new('--state-dir', '--state-dir', [CompletionResultType]::ParameterName, 'Folder for journals, locks, histories and the sandbox [default: the project''s .jinbao/]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR and TERM=dumb are respected)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable JSON on stdout, nothing else mixed in (docs/json.md)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail (repeat for debug logs)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail (repeat for debug logs)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors')
            [CompletionResult]::new('--show-personal-data', '--show-personal-data', [CompletionResultType]::ParameterName, 'Show ID numbers and names in full (each use is recorded in the audit log)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('check', 'check', [CompletionResultType]::ParameterValue, 'Check every server''s routes and TCP endpoints (exit 1 when one fails)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'jinbao;net;check' {
            [CompletionResult]::new('--wave', '--wave', [CompletionResultType]::ParameterName, 'Every city of a rollout wave (pilot, demonstration, general)')
            [CompletionResult]::new('--role', '--role', [CompletionResultType]::ParameterName, 'Only servers with this role (db, app, web, gateway)')
            [CompletionResult]::new('-j', '-j', [CompletionResultType]::ParameterName, 'Servers worked on at once')
            [CompletionResult]::new('--jobs', '--jobs', [CompletionResultType]::ParameterName, 'Servers worked on at once')
            [CompletionResult]::new('--profiles', '--profiles', [CompletionResultType]::ParameterName, 'Folder with province.toml, cities/ and env/ [default: the project''s profiles/, the project found from the current folder upwards, or JINBAO_HOME]')
            [CompletionResult]::new('--env', '--env', [CompletionResultType]::ParameterName, 'Environment overlay from <profiles>/env/ [default: sandbox]')
            [CompletionResult]::new('--set', '--set', [CompletionResultType]::ParameterName, 'Override a profile value for this run, as KEY=VALUE (e.g. app.keep_releases=3)')
            [CompletionResult]::new('--state-dir', '--state-dir', [CompletionResultType]::ParameterName, 'Folder for journals, locks, histories and the sandbox [default: the project''s .jinbao/]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR and TERM=dumb are respected)')
            [CompletionResult]::new('--all', '--all', [CompletionResultType]::ParameterName, 'Every city, wave by wave')
            [CompletionResult]::new('--accept-new-host-keys', '--accept-new-host-keys', [CompletionResultType]::ParameterName, 'Record the host key of a host missing from known_hosts (a changed key is always refused)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable JSON on stdout, nothing else mixed in (docs/json.md)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail (repeat for debug logs)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail (repeat for debug logs)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors')
            [CompletionResult]::new('--show-personal-data', '--show-personal-data', [CompletionResultType]::ParameterName, 'Show ID numbers and names in full (each use is recorded in the audit log)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'jinbao;net;help' {
            [CompletionResult]::new('check', 'check', [CompletionResultType]::ParameterValue, 'Check every server''s routes and TCP endpoints (exit 1 when one fails)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'jinbao;net;help;check' {
            break
        }
        'jinbao;net;help;help' {
            break
        }
        'jinbao;release' {
            [CompletionResult]::new('--profiles', '--profiles', [CompletionResultType]::ParameterName, 'Folder with province.toml, cities/ and env/ [default: the project''s profiles/, the project found from the current folder upwards, or JINBAO_HOME]')
            [CompletionResult]::new('--env', '--env', [CompletionResultType]::ParameterName, 'Environment overlay from <profiles>/env/ [default: sandbox]')
            [CompletionResult]::new('--set', '--set', [CompletionResultType]::ParameterName, 'Override a profile value for this run, as KEY=VALUE (e.g. app.keep_releases=3)')
            [CompletionResult]::new('--state-dir', '--state-dir', [CompletionResultType]::ParameterName, 'Folder for journals, locks, histories and the sandbox [default: the project''s .jinbao/]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR and TERM=dumb are respected)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable JSON on stdout, nothing else mixed in (docs/json.md)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail (repeat for debug logs)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail (repeat for debug logs)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors')
            [CompletionResult]::new('--show-personal-data', '--show-personal-data', [CompletionResultType]::ParameterName, 'Show ID numbers and names in full (each use is recorded in the audit log)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('pack', 'pack', [CompletionResultType]::ParameterValue, 'Pack a folder (or a tarball''s contents) as a release: sorted entries, fixed times')
            [CompletionResult]::new('inspect', 'inspect', [CompletionResultType]::ParameterValue, 'Show a release''s manifest and verify its checksum and every entry')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'jinbao;release;pack' {
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Release version [default: the folder''s VERSION file]')
            [CompletionResult]::new('--schema', '--schema', [CompletionResultType]::ParameterName, 'Schema version the release needs in the city databases')
            [CompletionResult]::new('--name', '--name', [CompletionResultType]::ParameterName, 'Application name [default: jinbao-unified]')
            [CompletionResult]::new('--health', '--health', [CompletionResultType]::ParameterName, 'Health check, relative to the release [default: the executable named *health*]')
            [CompletionResult]::new('--out', '--out', [CompletionResultType]::ParameterName, 'Where the release goes: a file name ending in .tar.gz (its manifest beside it), or a folder (as <name>-<version>.tar.gz)')
            [CompletionResult]::new('--profiles', '--profiles', [CompletionResultType]::ParameterName, 'Folder with province.toml, cities/ and env/ [default: the project''s profiles/, the project found from the current folder upwards, or JINBAO_HOME]')
            [CompletionResult]::new('--env', '--env', [CompletionResultType]::ParameterName, 'Environment overlay from <profiles>/env/ [default: sandbox]')
            [CompletionResult]::new('--set', '--set', [CompletionResultType]::ParameterName, 'Override a profile value for this run, as KEY=VALUE (e.g. app.keep_releases=3)')
            [CompletionResult]::new('--state-dir', '--state-dir', [CompletionResultType]::ParameterName, 'Folder for journals, locks, histories and the sandbox [default: the project''s .jinbao/]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR and TERM=dumb are respected)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable JSON on stdout, nothing else mixed in (docs/json.md)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail (repeat for debug logs)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail (repeat for debug logs)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors')
            [CompletionResult]::new('--show-personal-data', '--show-personal-data', [CompletionResultType]::ParameterName, 'Show ID numbers and names in full (each use is recorded in the audit log)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'jinbao;release;inspect' {
            [CompletionResult]::new('--profiles', '--profiles', [CompletionResultType]::ParameterName, 'Folder with province.toml, cities/ and env/ [default: the project''s profiles/, the project found from the current folder upwards, or JINBAO_HOME]')
            [CompletionResult]::new('--env', '--env', [CompletionResultType]::ParameterName, 'Environment overlay from <profiles>/env/ [default: sandbox]')
            [CompletionResult]::new('--set', '--set', [CompletionResultType]::ParameterName, 'Override a profile value for this run, as KEY=VALUE (e.g. app.keep_releases=3)')
            [CompletionResult]::new('--state-dir', '--state-dir', [CompletionResultType]::ParameterName, 'Folder for journals, locks, histories and the sandbox [default: the project''s .jinbao/]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR and TERM=dumb are respected)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable JSON on stdout, nothing else mixed in (docs/json.md)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail (repeat for debug logs)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail (repeat for debug logs)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors')
            [CompletionResult]::new('--show-personal-data', '--show-personal-data', [CompletionResultType]::ParameterName, 'Show ID numbers and names in full (each use is recorded in the audit log)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'jinbao;release;help' {
            [CompletionResult]::new('pack', 'pack', [CompletionResultType]::ParameterValue, 'Pack a folder (or a tarball''s contents) as a release: sorted entries, fixed times')
            [CompletionResult]::new('inspect', 'inspect', [CompletionResultType]::ParameterValue, 'Show a release''s manifest and verify its checksum and every entry')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'jinbao;release;help;pack' {
            break
        }
        'jinbao;release;help;inspect' {
            break
        }
        'jinbao;release;help;help' {
            break
        }
        'jinbao;rollout' {
            [CompletionResult]::new('--wave', '--wave', [CompletionResultType]::ParameterName, 'Every city of a rollout wave (pilot, demonstration, general)')
            [CompletionResult]::new('-j', '-j', [CompletionResultType]::ParameterName, 'Cities rolled out at once (servers at once: --host-jobs)')
            [CompletionResult]::new('--jobs', '--jobs', [CompletionResultType]::ParameterName, 'Cities rolled out at once (servers at once: --host-jobs)')
            [CompletionResult]::new('--batch', '--batch', [CompletionResultType]::ParameterName, 'Servers of a city switched at once: a number or a percentage [default: all]')
            [CompletionResult]::new('--max-failures', '--max-failures', [CompletionResultType]::ParameterName, 'Failed cities (unreachable servers count) tolerated before no new city starts')
            [CompletionResult]::new('--lock-wait', '--lock-wait', [CompletionResultType]::ParameterName, 'Wait this long for a city lock another rollout holds')
            [CompletionResult]::new('--stale-after', '--stale-after', [CompletionResultType]::ParameterName, 'A lock older than this is reported as stale')
            [CompletionResult]::new('--override-window', '--override-window', [CompletionResultType]::ParameterName, 'Change cities outside their maintenance window, recording why')
            [CompletionResult]::new('--no-restore-point', '--no-restore-point', [CompletionResultType]::ParameterName, 'Go on where no restore point (a backup of the city database) can be taken first, recording why')
            [CompletionResult]::new('--events', '--events', [CompletionResultType]::ParameterName, 'Stream one versioned JSON event per line on stdout as it happens')
            [CompletionResult]::new('--host-jobs', '--host-jobs', [CompletionResultType]::ParameterName, 'Servers worked on at once across the whole run')
            [CompletionResult]::new('--profiles', '--profiles', [CompletionResultType]::ParameterName, 'Folder with province.toml, cities/ and env/ [default: the project''s profiles/, the project found from the current folder upwards, or JINBAO_HOME]')
            [CompletionResult]::new('--env', '--env', [CompletionResultType]::ParameterName, 'Environment overlay from <profiles>/env/ [default: sandbox]')
            [CompletionResult]::new('--set', '--set', [CompletionResultType]::ParameterName, 'Override a profile value for this run, as KEY=VALUE (e.g. app.keep_releases=3)')
            [CompletionResult]::new('--state-dir', '--state-dir', [CompletionResultType]::ParameterName, 'Folder for journals, locks, histories and the sandbox [default: the project''s .jinbao/]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR and TERM=dumb are respected)')
            [CompletionResult]::new('--all', '--all', [CompletionResultType]::ParameterName, 'Every city, wave by wave')
            [CompletionResult]::new('--no-pause', '--no-pause', [CompletionResultType]::ParameterName, 'Go on to the next wave without asking')
            [CompletionResult]::new('--migrate', '--migrate', [CompletionResultType]::ParameterName, 'Migrate a city database that is behind the release''s schema first')
            [CompletionResult]::new('--provision', '--provision', [CompletionResultType]::ParameterName, 'Provision each city''s servers (plan and apply) before deploying')
            [CompletionResult]::new('--allow-downgrade', '--allow-downgrade', [CompletionResultType]::ParameterName, 'Roll out a release older than the one a city runs (`rollback` is the usual way back)')
            [CompletionResult]::new('--timings', '--timings', [CompletionResultType]::ParameterName, 'Show where the time went: the critical path (the phases of the hosts the run waited on) and each phase over all hosts (with --json: a `timings` section)')
            [CompletionResult]::new('--accept-new-host-keys', '--accept-new-host-keys', [CompletionResultType]::ParameterName, 'Record the host key of a host missing from known_hosts (a changed key is always refused)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to the confirmation (nothing is asked when stdin is not a terminal: the command then stops unless --yes is given)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to the confirmation (nothing is asked when stdin is not a terminal: the command then stops unless --yes is given)')
            [CompletionResult]::new('--resume', '--resume', [CompletionResultType]::ParameterName, 'Go on with the interrupted (or paused) rollout recorded in the journal')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable JSON on stdout, nothing else mixed in (docs/json.md)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail (repeat for debug logs)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail (repeat for debug logs)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors')
            [CompletionResult]::new('--show-personal-data', '--show-personal-data', [CompletionResultType]::ParameterName, 'Show ID numbers and names in full (each use is recorded in the audit log)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('plan', 'plan', [CompletionResultType]::ParameterValue, 'Record per city and server the current release, the steps and the facts they rely on')
            [CompletionResult]::new('apply', 'apply', [CompletionResultType]::ParameterValue, 'Execute a recorded plan; a city whose facts moved since is refused')
            [CompletionResult]::new('unlock', 'unlock', [CompletionResultType]::ParameterValue, 'Break the rollout lock of a city (recorded in the audit log)')
            [CompletionResult]::new('abandon', 'abandon', [CompletionResultType]::ParameterValue, 'Give up the unfinished rollout (after damage, or when it cannot go on); servers stay as they are')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'jinbao;rollout;plan' {
            [CompletionResult]::new('--wave', '--wave', [CompletionResultType]::ParameterName, 'Every city of a rollout wave (pilot, demonstration, general)')
            [CompletionResult]::new('--out', '--out', [CompletionResultType]::ParameterName, 'Where to write the plan')
            [CompletionResult]::new('-j', '-j', [CompletionResultType]::ParameterName, 'Cities rolled out at once (servers at once: --host-jobs)')
            [CompletionResult]::new('--jobs', '--jobs', [CompletionResultType]::ParameterName, 'Cities rolled out at once (servers at once: --host-jobs)')
            [CompletionResult]::new('--batch', '--batch', [CompletionResultType]::ParameterName, 'Servers of a city switched at once: a number or a percentage [default: all]')
            [CompletionResult]::new('--max-failures', '--max-failures', [CompletionResultType]::ParameterName, 'Failed cities (unreachable servers count) tolerated before no new city starts')
            [CompletionResult]::new('--lock-wait', '--lock-wait', [CompletionResultType]::ParameterName, 'Wait this long for a city lock another rollout holds')
            [CompletionResult]::new('--stale-after', '--stale-after', [CompletionResultType]::ParameterName, 'A lock older than this is reported as stale')
            [CompletionResult]::new('--override-window', '--override-window', [CompletionResultType]::ParameterName, 'Change cities outside their maintenance window, recording why')
            [CompletionResult]::new('--no-restore-point', '--no-restore-point', [CompletionResultType]::ParameterName, 'Go on where no restore point (a backup of the city database) can be taken first, recording why')
            [CompletionResult]::new('--events', '--events', [CompletionResultType]::ParameterName, 'Stream one versioned JSON event per line on stdout as it happens')
            [CompletionResult]::new('--host-jobs', '--host-jobs', [CompletionResultType]::ParameterName, 'Servers worked on at once across the whole run')
            [CompletionResult]::new('--profiles', '--profiles', [CompletionResultType]::ParameterName, 'Folder with province.toml, cities/ and env/ [default: the project''s profiles/, the project found from the current folder upwards, or JINBAO_HOME]')
            [CompletionResult]::new('--env', '--env', [CompletionResultType]::ParameterName, 'Environment overlay from <profiles>/env/ [default: sandbox]')
            [CompletionResult]::new('--set', '--set', [CompletionResultType]::ParameterName, 'Override a profile value for this run, as KEY=VALUE (e.g. app.keep_releases=3)')
            [CompletionResult]::new('--state-dir', '--state-dir', [CompletionResultType]::ParameterName, 'Folder for journals, locks, histories and the sandbox [default: the project''s .jinbao/]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR and TERM=dumb are respected)')
            [CompletionResult]::new('--all', '--all', [CompletionResultType]::ParameterName, 'Every city, wave by wave')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Print the plan, write nothing')
            [CompletionResult]::new('--no-pause', '--no-pause', [CompletionResultType]::ParameterName, 'Go on to the next wave without asking')
            [CompletionResult]::new('--migrate', '--migrate', [CompletionResultType]::ParameterName, 'Migrate a city database that is behind the release''s schema first')
            [CompletionResult]::new('--provision', '--provision', [CompletionResultType]::ParameterName, 'Provision each city''s servers (plan and apply) before deploying')
            [CompletionResult]::new('--allow-downgrade', '--allow-downgrade', [CompletionResultType]::ParameterName, 'Roll out a release older than the one a city runs (`rollback` is the usual way back)')
            [CompletionResult]::new('--timings', '--timings', [CompletionResultType]::ParameterName, 'Show where the time went: the critical path (the phases of the hosts the run waited on) and each phase over all hosts (with --json: a `timings` section)')
            [CompletionResult]::new('--accept-new-host-keys', '--accept-new-host-keys', [CompletionResultType]::ParameterName, 'Record the host key of a host missing from known_hosts (a changed key is always refused)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to the confirmation (nothing is asked when stdin is not a terminal: the command then stops unless --yes is given)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to the confirmation (nothing is asked when stdin is not a terminal: the command then stops unless --yes is given)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable JSON on stdout, nothing else mixed in (docs/json.md)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail (repeat for debug logs)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail (repeat for debug logs)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors')
            [CompletionResult]::new('--show-personal-data', '--show-personal-data', [CompletionResultType]::ParameterName, 'Show ID numbers and names in full (each use is recorded in the audit log)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'jinbao;rollout;apply' {
            [CompletionResult]::new('-j', '-j', [CompletionResultType]::ParameterName, 'Cities rolled out at once (servers at once: --host-jobs)')
            [CompletionResult]::new('--jobs', '--jobs', [CompletionResultType]::ParameterName, 'Cities rolled out at once (servers at once: --host-jobs)')
            [CompletionResult]::new('--batch', '--batch', [CompletionResultType]::ParameterName, 'Servers of a city switched at once: a number or a percentage [default: all]')
            [CompletionResult]::new('--max-failures', '--max-failures', [CompletionResultType]::ParameterName, 'Failed cities (unreachable servers count) tolerated before no new city starts')
            [CompletionResult]::new('--lock-wait', '--lock-wait', [CompletionResultType]::ParameterName, 'Wait this long for a city lock another rollout holds')
            [CompletionResult]::new('--stale-after', '--stale-after', [CompletionResultType]::ParameterName, 'A lock older than this is reported as stale')
            [CompletionResult]::new('--override-window', '--override-window', [CompletionResultType]::ParameterName, 'Change cities outside their maintenance window, recording why')
            [CompletionResult]::new('--no-restore-point', '--no-restore-point', [CompletionResultType]::ParameterName, 'Go on where no restore point (a backup of the city database) can be taken first, recording why')
            [CompletionResult]::new('--events', '--events', [CompletionResultType]::ParameterName, 'Stream one versioned JSON event per line on stdout as it happens')
            [CompletionResult]::new('--host-jobs', '--host-jobs', [CompletionResultType]::ParameterName, 'Servers worked on at once across the whole run')
            [CompletionResult]::new('--profiles', '--profiles', [CompletionResultType]::ParameterName, 'Folder with province.toml, cities/ and env/ [default: the project''s profiles/, the project found from the current folder upwards, or JINBAO_HOME]')
            [CompletionResult]::new('--env', '--env', [CompletionResultType]::ParameterName, 'Environment overlay from <profiles>/env/ [default: sandbox]')
            [CompletionResult]::new('--set', '--set', [CompletionResultType]::ParameterName, 'Override a profile value for this run, as KEY=VALUE (e.g. app.keep_releases=3)')
            [CompletionResult]::new('--state-dir', '--state-dir', [CompletionResultType]::ParameterName, 'Folder for journals, locks, histories and the sandbox [default: the project''s .jinbao/]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR and TERM=dumb are respected)')
            [CompletionResult]::new('--no-pause', '--no-pause', [CompletionResultType]::ParameterName, 'Go on to the next wave without asking')
            [CompletionResult]::new('--migrate', '--migrate', [CompletionResultType]::ParameterName, 'Migrate a city database that is behind the release''s schema first')
            [CompletionResult]::new('--provision', '--provision', [CompletionResultType]::ParameterName, 'Provision each city''s servers (plan and apply) before deploying')
            [CompletionResult]::new('--allow-downgrade', '--allow-downgrade', [CompletionResultType]::ParameterName, 'Roll out a release older than the one a city runs (`rollback` is the usual way back)')
            [CompletionResult]::new('--timings', '--timings', [CompletionResultType]::ParameterName, 'Show where the time went: the critical path (the phases of the hosts the run waited on) and each phase over all hosts (with --json: a `timings` section)')
            [CompletionResult]::new('--accept-new-host-keys', '--accept-new-host-keys', [CompletionResultType]::ParameterName, 'Record the host key of a host missing from known_hosts (a changed key is always refused)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to the confirmation (nothing is asked when stdin is not a terminal: the command then stops unless --yes is given)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to the confirmation (nothing is asked when stdin is not a terminal: the command then stops unless --yes is given)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable JSON on stdout, nothing else mixed in (docs/json.md)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail (repeat for debug logs)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail (repeat for debug logs)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors')
            [CompletionResult]::new('--show-personal-data', '--show-personal-data', [CompletionResultType]::ParameterName, 'Show ID numbers and names in full (each use is recorded in the audit log)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'jinbao;rollout;unlock' {
            [CompletionResult]::new('--wave', '--wave', [CompletionResultType]::ParameterName, 'Every city of a rollout wave (pilot, demonstration, general)')
            [CompletionResult]::new('-j', '-j', [CompletionResultType]::ParameterName, 'Servers worked on at once')
            [CompletionResult]::new('--jobs', '--jobs', [CompletionResultType]::ParameterName, 'Servers worked on at once')
            [CompletionResult]::new('--profiles', '--profiles', [CompletionResultType]::ParameterName, 'Folder with province.toml, cities/ and env/ [default: the project''s profiles/, the project found from the current folder upwards, or JINBAO_HOME]')
            [CompletionResult]::new('--env', '--env', [CompletionResultType]::ParameterName, 'Environment overlay from <profiles>/env/ [default: sandbox]')
            [CompletionResult]::new('--set', '--set', [CompletionResultType]::ParameterName, 'Override a profile value for this run, as KEY=VALUE (e.g. app.keep_releases=3)')
            [CompletionResult]::new('--state-dir', '--state-dir', [CompletionResultType]::ParameterName, 'Folder for journals, locks, histories and the sandbox [default: the project''s .jinbao/]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR and TERM=dumb are respected)')
            [CompletionResult]::new('--all', '--all', [CompletionResultType]::ParameterName, 'Every city, wave by wave')
            [CompletionResult]::new('--accept-new-host-keys', '--accept-new-host-keys', [CompletionResultType]::ParameterName, 'Record the host key of a host missing from known_hosts (a changed key is always refused)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable JSON on stdout, nothing else mixed in (docs/json.md)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail (repeat for debug logs)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail (repeat for debug logs)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors')
            [CompletionResult]::new('--show-personal-data', '--show-personal-data', [CompletionResultType]::ParameterName, 'Show ID numbers and names in full (each use is recorded in the audit log)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'jinbao;rollout;abandon' {
            [CompletionResult]::new('--profiles', '--profiles', [CompletionResultType]::ParameterName, 'Folder with province.toml, cities/ and env/ [default: the project''s profiles/, the project found from the current folder upwards, or JINBAO_HOME]')
            [CompletionResult]::new('--env', '--env', [CompletionResultType]::ParameterName, 'Environment overlay from <profiles>/env/ [default: sandbox]')
            [CompletionResult]::new('--set', '--set', [CompletionResultType]::ParameterName, 'Override a profile value for this run, as KEY=VALUE (e.g. app.keep_releases=3)')
            [CompletionResult]::new('--state-dir', '--state-dir', [CompletionResultType]::ParameterName, 'Folder for journals, locks, histories and the sandbox [default: the project''s .jinbao/]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR and TERM=dumb are respected)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable JSON on stdout, nothing else mixed in (docs/json.md)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail (repeat for debug logs)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail (repeat for debug logs)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors')
            [CompletionResult]::new('--show-personal-data', '--show-personal-data', [CompletionResultType]::ParameterName, 'Show ID numbers and names in full (each use is recorded in the audit log)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'jinbao;rollout;help' {
            [CompletionResult]::new('plan', 'plan', [CompletionResultType]::ParameterValue, 'Record per city and server the current release, the steps and the facts they rely on')
            [CompletionResult]::new('apply', 'apply', [CompletionResultType]::ParameterValue, 'Execute a recorded plan; a city whose facts moved since is refused')
            [CompletionResult]::new('unlock', 'unlock', [CompletionResultType]::ParameterValue, 'Break the rollout lock of a city (recorded in the audit log)')
            [CompletionResult]::new('abandon', 'abandon', [CompletionResultType]::ParameterValue, 'Give up the unfinished rollout (after damage, or when it cannot go on); servers stay as they are')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'jinbao;rollout;help;plan' {
            break
        }
        'jinbao;rollout;help;apply' {
            break
        }
        'jinbao;rollout;help;unlock' {
            break
        }
        'jinbao;rollout;help;abandon' {
            break
        }
        'jinbao;rollout;help;help' {
            break
        }
        'jinbao;rollback' {
            [CompletionResult]::new('--to', '--to', [CompletionResultType]::ParameterName, 'The release to go back to [default: the one installed before the current]')
            [CompletionResult]::new('--override-window', '--override-window', [CompletionResultType]::ParameterName, 'Change the city outside its maintenance window, recording why')
            [CompletionResult]::new('--lock-wait', '--lock-wait', [CompletionResultType]::ParameterName, 'Wait this long for a city lock another run holds')
            [CompletionResult]::new('-j', '-j', [CompletionResultType]::ParameterName, 'Servers worked on at once')
            [CompletionResult]::new('--jobs', '--jobs', [CompletionResultType]::ParameterName, 'Servers worked on at once')
            [CompletionResult]::new('--profiles', '--profiles', [CompletionResultType]::ParameterName, 'Folder with province.toml, cities/ and env/ [default: the project''s profiles/, the project found from the current folder upwards, or JINBAO_HOME]')
            [CompletionResult]::new('--env', '--env', [CompletionResultType]::ParameterName, 'Environment overlay from <profiles>/env/ [default: sandbox]')
            [CompletionResult]::new('--set', '--set', [CompletionResultType]::ParameterName, 'Override a profile value for this run, as KEY=VALUE (e.g. app.keep_releases=3)')
            [CompletionResult]::new('--state-dir', '--state-dir', [CompletionResultType]::ParameterName, 'Folder for journals, locks, histories and the sandbox [default: the project''s .jinbao/]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR and TERM=dumb are respected)')
            [CompletionResult]::new('--accept-new-host-keys', '--accept-new-host-keys', [CompletionResultType]::ParameterName, 'Record the host key of a host missing from known_hosts (a changed key is always refused)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable JSON on stdout, nothing else mixed in (docs/json.md)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail (repeat for debug logs)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail (repeat for debug logs)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors')
            [CompletionResult]::new('--show-personal-data', '--show-personal-data', [CompletionResultType]::ParameterName, 'Show ID numbers and names in full (each use is recorded in the audit log)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'jinbao;releases' {
            [CompletionResult]::new('--wave', '--wave', [CompletionResultType]::ParameterName, 'Every city of a rollout wave (pilot, demonstration, general)')
            [CompletionResult]::new('-j', '-j', [CompletionResultType]::ParameterName, 'Servers worked on at once')
            [CompletionResult]::new('--jobs', '--jobs', [CompletionResultType]::ParameterName, 'Servers worked on at once')
            [CompletionResult]::new('--profiles', '--profiles', [CompletionResultType]::ParameterName, 'Folder with province.toml, cities/ and env/ [default: the project''s profiles/, the project found from the current folder upwards, or JINBAO_HOME]')
            [CompletionResult]::new('--env', '--env', [CompletionResultType]::ParameterName, 'Environment overlay from <profiles>/env/ [default: sandbox]')
            [CompletionResult]::new('--set', '--set', [CompletionResultType]::ParameterName, 'Override a profile value for this run, as KEY=VALUE (e.g. app.keep_releases=3)')
            [CompletionResult]::new('--state-dir', '--state-dir', [CompletionResultType]::ParameterName, 'Folder for journals, locks, histories and the sandbox [default: the project''s .jinbao/]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR and TERM=dumb are respected)')
            [CompletionResult]::new('--all', '--all', [CompletionResultType]::ParameterName, 'Every city, wave by wave')
            [CompletionResult]::new('--accept-new-host-keys', '--accept-new-host-keys', [CompletionResultType]::ParameterName, 'Record the host key of a host missing from known_hosts (a changed key is always refused)')
            [CompletionResult]::new('--gc', '--gc', [CompletionResultType]::ParameterName, 'Drop from each server''s release store the contents no kept release uses (an hour old at least; rollouts do this too)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to the confirmation (nothing is asked when stdin is not a terminal: the command then stops unless --yes is given)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to the confirmation (nothing is asked when stdin is not a terminal: the command then stops unless --yes is given)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable JSON on stdout, nothing else mixed in (docs/json.md)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail (repeat for debug logs)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail (repeat for debug logs)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors')
            [CompletionResult]::new('--show-personal-data', '--show-personal-data', [CompletionResultType]::ParameterName, 'Show ID numbers and names in full (each use is recorded in the audit log)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'jinbao;health' {
            [CompletionResult]::new('--wave', '--wave', [CompletionResultType]::ParameterName, 'Every city of a rollout wave (pilot, demonstration, general)')
            [CompletionResult]::new('--only', '--only', [CompletionResultType]::ParameterName, 'Only these checks (comma list: ssh, clock, disk, inodes, memory, load, service, release, app, routes, endpoints, database, schema, drift, data)')
            [CompletionResult]::new('--skip', '--skip', [CompletionResultType]::ParameterName, 'Leave these checks out')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'table (grouped by city, worst first) or nagios (one plugin line with performance data)')
            [CompletionResult]::new('-j', '-j', [CompletionResultType]::ParameterName, 'Servers worked on at once')
            [CompletionResult]::new('--jobs', '--jobs', [CompletionResultType]::ParameterName, 'Servers worked on at once')
            [CompletionResult]::new('--profiles', '--profiles', [CompletionResultType]::ParameterName, 'Folder with province.toml, cities/ and env/ [default: the project''s profiles/, the project found from the current folder upwards, or JINBAO_HOME]')
            [CompletionResult]::new('--env', '--env', [CompletionResultType]::ParameterName, 'Environment overlay from <profiles>/env/ [default: sandbox]')
            [CompletionResult]::new('--set', '--set', [CompletionResultType]::ParameterName, 'Override a profile value for this run, as KEY=VALUE (e.g. app.keep_releases=3)')
            [CompletionResult]::new('--state-dir', '--state-dir', [CompletionResultType]::ParameterName, 'Folder for journals, locks, histories and the sandbox [default: the project''s .jinbao/]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR and TERM=dumb are respected)')
            [CompletionResult]::new('--all', '--all', [CompletionResultType]::ParameterName, 'Every city, wave by wave')
            [CompletionResult]::new('--province', '--province', [CompletionResultType]::ParameterName, 'Also the province center')
            [CompletionResult]::new('--accept-new-host-keys', '--accept-new-host-keys', [CompletionResultType]::ParameterName, 'Record the host key of a host missing from known_hosts (a changed key is always refused)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable JSON on stdout, nothing else mixed in (docs/json.md)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail (repeat for debug logs)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail (repeat for debug logs)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors')
            [CompletionResult]::new('--show-personal-data', '--show-personal-data', [CompletionResultType]::ParameterName, 'Show ID numbers and names in full (each use is recorded in the audit log)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'jinbao;status' {
            [CompletionResult]::new('--wave', '--wave', [CompletionResultType]::ParameterName, 'Every city of a rollout wave (pilot, demonstration, general)')
            [CompletionResult]::new('-j', '-j', [CompletionResultType]::ParameterName, 'Databases asked at once')
            [CompletionResult]::new('--jobs', '--jobs', [CompletionResultType]::ParameterName, 'Databases asked at once')
            [CompletionResult]::new('--profiles', '--profiles', [CompletionResultType]::ParameterName, 'Folder with province.toml, cities/ and env/ [default: the project''s profiles/, the project found from the current folder upwards, or JINBAO_HOME]')
            [CompletionResult]::new('--env', '--env', [CompletionResultType]::ParameterName, 'Environment overlay from <profiles>/env/ [default: sandbox]')
            [CompletionResult]::new('--set', '--set', [CompletionResultType]::ParameterName, 'Override a profile value for this run, as KEY=VALUE (e.g. app.keep_releases=3)')
            [CompletionResult]::new('--state-dir', '--state-dir', [CompletionResultType]::ParameterName, 'Folder for journals, locks, histories and the sandbox [default: the project''s .jinbao/]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR and TERM=dumb are respected)')
            [CompletionResult]::new('--all', '--all', [CompletionResultType]::ParameterName, 'Every city, wave by wave')
            [CompletionResult]::new('--province', '--province', [CompletionResultType]::ParameterName, 'Also the province center')
            [CompletionResult]::new('--offline', '--offline', [CompletionResultType]::ParameterName, 'Only what the state folder holds: do not ask the databases for their schema')
            [CompletionResult]::new('--explain', '--explain', [CompletionResultType]::ParameterName, 'The score of one city criterion by criterion, with the facts each came from')
            [CompletionResult]::new('--record', '--record', [CompletionResultType]::ParameterName, 'Keep today''s snapshot of every city''s milestones and score (the report''s history)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable JSON on stdout, nothing else mixed in (docs/json.md)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail (repeat for debug logs)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail (repeat for debug logs)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors')
            [CompletionResult]::new('--show-personal-data', '--show-personal-data', [CompletionResultType]::ParameterName, 'Show ID numbers and names in full (each use is recorded in the audit log)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'jinbao;report' {
            [CompletionResult]::new('--wave', '--wave', [CompletionResultType]::ParameterName, 'Every city of a rollout wave (pilot, demonstration, general)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Write it to this file (replaced atomically) [default: stdout]')
            [CompletionResult]::new('--out', '--out', [CompletionResultType]::ParameterName, 'Write it to this file (replaced atomically) [default: stdout]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'html: one self-contained page; csv, markdown: the province table [default: what --out''s name ends in (.csv, .md), else html]')
            [CompletionResult]::new('--lang', '--lang', [CompletionResultType]::ParameterName, 'The language of the page''s own words: zh (its readers: the province and the cities) or en')
            [CompletionResult]::new('--profiles', '--profiles', [CompletionResultType]::ParameterName, 'Folder with province.toml, cities/ and env/ [default: the project''s profiles/, the project found from the current folder upwards, or JINBAO_HOME]')
            [CompletionResult]::new('--env', '--env', [CompletionResultType]::ParameterName, 'Environment overlay from <profiles>/env/ [default: sandbox]')
            [CompletionResult]::new('--set', '--set', [CompletionResultType]::ParameterName, 'Override a profile value for this run, as KEY=VALUE (e.g. app.keep_releases=3)')
            [CompletionResult]::new('--state-dir', '--state-dir', [CompletionResultType]::ParameterName, 'Folder for journals, locks, histories and the sandbox [default: the project''s .jinbao/]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR and TERM=dumb are respected)')
            [CompletionResult]::new('--all', '--all', [CompletionResultType]::ParameterName, 'Every city, wave by wave')
            [CompletionResult]::new('--province', '--province', [CompletionResultType]::ParameterName, 'Also the province center')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable JSON on stdout, nothing else mixed in (docs/json.md)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail (repeat for debug logs)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail (repeat for debug logs)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors')
            [CompletionResult]::new('--show-personal-data', '--show-personal-data', [CompletionResultType]::ParameterName, 'Show ID numbers and names in full (each use is recorded in the audit log)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'jinbao;data' {
            [CompletionResult]::new('--profiles', '--profiles', [CompletionResultType]::ParameterName, 'Folder with province.toml, cities/ and env/ [default: the project''s profiles/, the project found from the current folder upwards, or JINBAO_HOME]')
            [CompletionResult]::new('--env', '--env', [CompletionResultType]::ParameterName, 'Environment overlay from <profiles>/env/ [default: sandbox]')
            [CompletionResult]::new('--set', '--set', [CompletionResultType]::ParameterName, 'Override a profile value for this run, as KEY=VALUE (e.g. app.keep_releases=3)')
            [CompletionResult]::new('--state-dir', '--state-dir', [CompletionResultType]::ParameterName, 'Folder for journals, locks, histories and the sandbox [default: the project''s .jinbao/]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR and TERM=dumb are respected)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable JSON on stdout, nothing else mixed in (docs/json.md)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail (repeat for debug logs)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail (repeat for debug logs)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors')
            [CompletionResult]::new('--show-personal-data', '--show-personal-data', [CompletionResultType]::ParameterName, 'Show ID numbers and names in full (each use is recorded in the audit log)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('synth', 'synth', [CompletionResultType]::ParameterValue, 'Synthetic county extracts of a city, with injected defects reported exactly')
            [CompletionResult]::new('import', 'import', [CompletionResultType]::ParameterValue, 'Load county extracts: every row loaded or rejected with its line and reason')
            [CompletionResult]::new('check', 'check', [CompletionResultType]::ParameterValue, 'Data-quality rules, run inside each city database (exit 1 when an error rule fails)')
            [CompletionResult]::new('compare', 'compare', [CompletionResultType]::ParameterValue, 'Row-level reconciliation of a county''s source with what the city holds (exit 0 the same, 3 differences found, 1 failed)')
            [CompletionResult]::new('progress', 'progress', [CompletionResultType]::ParameterValue, 'Which county''s data is in the city''s center, and how good (exit 1 past the deadline)')
            [CompletionResult]::new('changes', 'changes', [CompletionResultType]::ParameterValue, 'What each cycle changed: per county and table, rows new, changed, missing and rejected per load, and the open problems going up or down')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'jinbao;data;synth' {
            [CompletionResult]::new('--persons', '--persons', [CompletionResultType]::ParameterName, 'How many persons, spread over the city''s counties')
            [CompletionResult]::new('--defects', '--defects', [CompletionResultType]::ParameterName, 'Share of persons given one injected defect (0–1)')
            [CompletionResult]::new('--encoding', '--encoding', [CompletionResultType]::ParameterName, 'utf-8 or gbk')
            [CompletionResult]::new('--seed', '--seed', [CompletionResultType]::ParameterName, 'Same seed, same files')
            [CompletionResult]::new('--out', '--out', [CompletionResultType]::ParameterName, 'Folder for the county folders and summary.json')
            [CompletionResult]::new('--profiles', '--profiles', [CompletionResultType]::ParameterName, 'Folder with province.toml, cities/ and env/ [default: the project''s profiles/, the project found from the current folder upwards, or JINBAO_HOME]')
            [CompletionResult]::new('--env', '--env', [CompletionResultType]::ParameterName, 'Environment overlay from <profiles>/env/ [default: sandbox]')
            [CompletionResult]::new('--set', '--set', [CompletionResultType]::ParameterName, 'Override a profile value for this run, as KEY=VALUE (e.g. app.keep_releases=3)')
            [CompletionResult]::new('--state-dir', '--state-dir', [CompletionResultType]::ParameterName, 'Folder for journals, locks, histories and the sandbox [default: the project''s .jinbao/]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR and TERM=dumb are respected)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable JSON on stdout, nothing else mixed in (docs/json.md)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail (repeat for debug logs)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail (repeat for debug logs)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors')
            [CompletionResult]::new('--show-personal-data', '--show-personal-data', [CompletionResultType]::ParameterName, 'Show ID numbers and names in full (each use is recorded in the audit log)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'jinbao;data;import' {
            [CompletionResult]::new('--county', '--county', [CompletionResultType]::ParameterName, 'The county the extract comes from (GB/T 2260 code) [default: the county folders'' names]')
            [CompletionResult]::new('--encoding', '--encoding', [CompletionResultType]::ParameterName, 'utf-8, gbk or gb18030 [default: detected]')
            [CompletionResult]::new('--mapping', '--mapping', [CompletionResultType]::ParameterName, 'A mapping file (a name under templates/mappings/, or a path) for another layout')
            [CompletionResult]::new('--rejects', '--rejects', [CompletionResultType]::ParameterName, 'Where reject files go [default: <state>/imports]')
            [CompletionResult]::new('--lock-wait', '--lock-wait', [CompletionResultType]::ParameterName, 'Wait this long for another import of the same county to end')
            [CompletionResult]::new('--profiles', '--profiles', [CompletionResultType]::ParameterName, 'Folder with province.toml, cities/ and env/ [default: the project''s profiles/, the project found from the current folder upwards, or JINBAO_HOME]')
            [CompletionResult]::new('--env', '--env', [CompletionResultType]::ParameterName, 'Environment overlay from <profiles>/env/ [default: sandbox]')
            [CompletionResult]::new('--set', '--set', [CompletionResultType]::ParameterName, 'Override a profile value for this run, as KEY=VALUE (e.g. app.keep_releases=3)')
            [CompletionResult]::new('--state-dir', '--state-dir', [CompletionResultType]::ParameterName, 'Folder for journals, locks, histories and the sandbox [default: the project''s .jinbao/]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR and TERM=dumb are respected)')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Validate and convert, report what would be rejected, load nothing')
            [CompletionResult]::new('--apply-missing', '--apply-missing', [CompletionResultType]::ParameterName, 'Delete the county''s rows its extract no longer holds (each import marks and counts them; without this flag they are kept)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to the confirmation (nothing is asked when stdin is not a terminal: the command then stops unless --yes is given)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to the confirmation (nothing is asked when stdin is not a terminal: the command then stops unless --yes is given)')
            [CompletionResult]::new('--full', '--full', [CompletionResultType]::ParameterName, 'Write every row again, changed or not (what a re-import cost before row fingerprints; the peer of the data-cycle benchmarks)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable JSON on stdout, nothing else mixed in (docs/json.md)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail (repeat for debug logs)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail (repeat for debug logs)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors')
            [CompletionResult]::new('--show-personal-data', '--show-personal-data', [CompletionResultType]::ParameterName, 'Show ID numbers and names in full (each use is recorded in the audit log)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'jinbao;data;check' {
            [CompletionResult]::new('--wave', '--wave', [CompletionResultType]::ParameterName, 'Every city of a rollout wave (pilot, demonstration, general)')
            [CompletionResult]::new('--rule', '--rule', [CompletionResultType]::ParameterName, 'Only these rules (comma list of names)')
            [CompletionResult]::new('-j', '-j', [CompletionResultType]::ParameterName, 'Databases checked at once')
            [CompletionResult]::new('--jobs', '--jobs', [CompletionResultType]::ParameterName, 'Databases checked at once')
            [CompletionResult]::new('--rule-jobs', '--rule-jobs', [CompletionResultType]::ParameterName, 'Rules run at once on each database (one connection each): the engine''s cores work on several rules together')
            [CompletionResult]::new('--lists', '--lists', [CompletionResultType]::ParameterName, 'Write problem-data lists for the counties: DIR/<county>/<rule>.csv with every violating row, its value and a hint (personal data: files 0600 in 0700 folders, audited)')
            [CompletionResult]::new('--encoding', '--encoding', [CompletionResultType]::ParameterName, 'Encoding of the lists: utf-8 (with a BOM, opens in Excel) or gbk')
            [CompletionResult]::new('--profiles', '--profiles', [CompletionResultType]::ParameterName, 'Folder with province.toml, cities/ and env/ [default: the project''s profiles/, the project found from the current folder upwards, or JINBAO_HOME]')
            [CompletionResult]::new('--env', '--env', [CompletionResultType]::ParameterName, 'Environment overlay from <profiles>/env/ [default: sandbox]')
            [CompletionResult]::new('--set', '--set', [CompletionResultType]::ParameterName, 'Override a profile value for this run, as KEY=VALUE (e.g. app.keep_releases=3)')
            [CompletionResult]::new('--state-dir', '--state-dir', [CompletionResultType]::ParameterName, 'Folder for journals, locks, histories and the sandbox [default: the project''s .jinbao/]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR and TERM=dumb are respected)')
            [CompletionResult]::new('--all', '--all', [CompletionResultType]::ParameterName, 'Every city, wave by wave')
            [CompletionResult]::new('--province', '--province', [CompletionResultType]::ParameterName, 'The province center''s database; with --cross-city: across every city')
            [CompletionResult]::new('--cross-city', '--cross-city', [CompletionResultType]::ParameterName, 'Persons enrolled in the same insurance in two cities for overlapping periods')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Print each rule''s SQL (as run on the city''s engine), run nothing')
            [CompletionResult]::new('--no-fuse', '--no-fuse', [CompletionResultType]::ParameterName, 'Run every rule alone instead of fusing a table''s row-level rules into one scan (to compare; the results are the same)')
            [CompletionResult]::new('--full', '--full', [CompletionResultType]::ParameterName, 'Evaluate every rule over every row, whatever the database keeps (by default each rule is evaluated only where the loads since its last check changed something it reads; rows edited by hand, outside jinbao, are seen only by --full)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable JSON on stdout, nothing else mixed in (docs/json.md)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail (repeat for debug logs)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail (repeat for debug logs)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors')
            [CompletionResult]::new('--show-personal-data', '--show-personal-data', [CompletionResultType]::ParameterName, 'Show ID numbers and names in full (each use is recorded in the audit log)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'jinbao;data;compare' {
            [CompletionResult]::new('--county', '--county', [CompletionResultType]::ParameterName, 'The county whose rows are compared')
            [CompletionResult]::new('--source', '--source', [CompletionResultType]::ParameterName, 'The county''s source: an extract (a county folder or CSV files'' folder/file), a PostgreSQL DSN (postgresql://host:port/db, password from the city''s read-only role), or a SQLite file')
            [CompletionResult]::new('--entity', '--entity', [CompletionResultType]::ParameterName, 'Only this entity (person, employer, contribution …)')
            [CompletionResult]::new('--encoding', '--encoding', [CompletionResultType]::ParameterName, 'utf-8, gbk or gb18030 for extracts [default: detected]')
            [CompletionResult]::new('--out', '--out', [CompletionResultType]::ParameterName, 'Folder for the differences CSV files [default: <state>/compare]')
            [CompletionResult]::new('--profiles', '--profiles', [CompletionResultType]::ParameterName, 'Folder with province.toml, cities/ and env/ [default: the project''s profiles/, the project found from the current folder upwards, or JINBAO_HOME]')
            [CompletionResult]::new('--env', '--env', [CompletionResultType]::ParameterName, 'Environment overlay from <profiles>/env/ [default: sandbox]')
            [CompletionResult]::new('--set', '--set', [CompletionResultType]::ParameterName, 'Override a profile value for this run, as KEY=VALUE (e.g. app.keep_releases=3)')
            [CompletionResult]::new('--state-dir', '--state-dir', [CompletionResultType]::ParameterName, 'Folder for journals, locks, histories and the sandbox [default: the project''s .jinbao/]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR and TERM=dumb are respected)')
            [CompletionResult]::new('--full', '--full', [CompletionResultType]::ParameterName, 'Compare every row by its values: an extract''s every row staged, not only the buckets of keys whose sums differ from what the city holds; a database''s rows hashed, not summed by the fingerprints their imports kept')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable JSON on stdout, nothing else mixed in (docs/json.md)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail (repeat for debug logs)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail (repeat for debug logs)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors')
            [CompletionResult]::new('--show-personal-data', '--show-personal-data', [CompletionResultType]::ParameterName, 'Show ID numbers and names in full (each use is recorded in the audit log)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'jinbao;data;progress' {
            [CompletionResult]::new('--wave', '--wave', [CompletionResultType]::ParameterName, 'Every city of a rollout wave (pilot, demonstration, general)')
            [CompletionResult]::new('-j', '-j', [CompletionResultType]::ParameterName, 'Databases asked at once')
            [CompletionResult]::new('--jobs', '--jobs', [CompletionResultType]::ParameterName, 'Databases asked at once')
            [CompletionResult]::new('--profiles', '--profiles', [CompletionResultType]::ParameterName, 'Folder with province.toml, cities/ and env/ [default: the project''s profiles/, the project found from the current folder upwards, or JINBAO_HOME]')
            [CompletionResult]::new('--env', '--env', [CompletionResultType]::ParameterName, 'Environment overlay from <profiles>/env/ [default: sandbox]')
            [CompletionResult]::new('--set', '--set', [CompletionResultType]::ParameterName, 'Override a profile value for this run, as KEY=VALUE (e.g. app.keep_releases=3)')
            [CompletionResult]::new('--state-dir', '--state-dir', [CompletionResultType]::ParameterName, 'Folder for journals, locks, histories and the sandbox [default: the project''s .jinbao/]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR and TERM=dumb are respected)')
            [CompletionResult]::new('--all', '--all', [CompletionResultType]::ParameterName, 'Every city, wave by wave')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable JSON on stdout, nothing else mixed in (docs/json.md)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail (repeat for debug logs)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail (repeat for debug logs)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors')
            [CompletionResult]::new('--show-personal-data', '--show-personal-data', [CompletionResultType]::ParameterName, 'Show ID numbers and names in full (each use is recorded in the audit log)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'jinbao;data;changes' {
            [CompletionResult]::new('--county', '--county', [CompletionResultType]::ParameterName, 'One county (GB/T 2260 code) [default: every county of the city]')
            [CompletionResult]::new('--since', '--since', [CompletionResultType]::ParameterName, 'From this day on: a date (2027-01-01) or a span back from now (90d)')
            [CompletionResult]::new('--profiles', '--profiles', [CompletionResultType]::ParameterName, 'Folder with province.toml, cities/ and env/ [default: the project''s profiles/, the project found from the current folder upwards, or JINBAO_HOME]')
            [CompletionResult]::new('--env', '--env', [CompletionResultType]::ParameterName, 'Environment overlay from <profiles>/env/ [default: sandbox]')
            [CompletionResult]::new('--set', '--set', [CompletionResultType]::ParameterName, 'Override a profile value for this run, as KEY=VALUE (e.g. app.keep_releases=3)')
            [CompletionResult]::new('--state-dir', '--state-dir', [CompletionResultType]::ParameterName, 'Folder for journals, locks, histories and the sandbox [default: the project''s .jinbao/]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR and TERM=dumb are respected)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable JSON on stdout, nothing else mixed in (docs/json.md)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail (repeat for debug logs)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail (repeat for debug logs)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors')
            [CompletionResult]::new('--show-personal-data', '--show-personal-data', [CompletionResultType]::ParameterName, 'Show ID numbers and names in full (each use is recorded in the audit log)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'jinbao;data;help' {
            [CompletionResult]::new('synth', 'synth', [CompletionResultType]::ParameterValue, 'Synthetic county extracts of a city, with injected defects reported exactly')
            [CompletionResult]::new('import', 'import', [CompletionResultType]::ParameterValue, 'Load county extracts: every row loaded or rejected with its line and reason')
            [CompletionResult]::new('check', 'check', [CompletionResultType]::ParameterValue, 'Data-quality rules, run inside each city database (exit 1 when an error rule fails)')
            [CompletionResult]::new('compare', 'compare', [CompletionResultType]::ParameterValue, 'Row-level reconciliation of a county''s source with what the city holds (exit 0 the same, 3 differences found, 1 failed)')
            [CompletionResult]::new('progress', 'progress', [CompletionResultType]::ParameterValue, 'Which county''s data is in the city''s center, and how good (exit 1 past the deadline)')
            [CompletionResult]::new('changes', 'changes', [CompletionResultType]::ParameterValue, 'What each cycle changed: per county and table, rows new, changed, missing and rejected per load, and the open problems going up or down')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'jinbao;data;help;synth' {
            break
        }
        'jinbao;data;help;import' {
            break
        }
        'jinbao;data;help;check' {
            break
        }
        'jinbao;data;help;compare' {
            break
        }
        'jinbao;data;help;progress' {
            break
        }
        'jinbao;data;help;changes' {
            break
        }
        'jinbao;data;help;help' {
            break
        }
        'jinbao;db' {
            [CompletionResult]::new('--profiles', '--profiles', [CompletionResultType]::ParameterName, 'Folder with province.toml, cities/ and env/ [default: the project''s profiles/, the project found from the current folder upwards, or JINBAO_HOME]')
            [CompletionResult]::new('--env', '--env', [CompletionResultType]::ParameterName, 'Environment overlay from <profiles>/env/ [default: sandbox]')
            [CompletionResult]::new('--set', '--set', [CompletionResultType]::ParameterName, 'Override a profile value for this run, as KEY=VALUE (e.g. app.keep_releases=3)')
            [CompletionResult]::new('--state-dir', '--state-dir', [CompletionResultType]::ParameterName, 'Folder for journals, locks, histories and the sandbox [default: the project''s .jinbao/]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR and TERM=dumb are respected)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable JSON on stdout, nothing else mixed in (docs/json.md)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail (repeat for debug logs)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail (repeat for debug logs)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors')
            [CompletionResult]::new('--show-personal-data', '--show-personal-data', [CompletionResultType]::ParameterName, 'Show ID numbers and names in full (each use is recorded in the audit log)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('init', 'init', [CompletionResultType]::ParameterValue, 'Create each database if missing, with its migrator, application and read-only roles')
            [CompletionResult]::new('migrate', 'migrate', [CompletionResultType]::ParameterValue, 'Apply pending migrations in order, each in its own transaction')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'One row per database: current version, pending migrations, checksum problems')
            [CompletionResult]::new('drift', 'drift', [CompletionResultType]::ParameterValue, 'Compare the live schema with what the migrations produce; exit 3 on drift')
            [CompletionResult]::new('baseline', 'baseline', [CompletionResultType]::ParameterValue, 'Adopt a database that already has the schema: record migrations as applied')
            [CompletionResult]::new('repair', 'repair', [CompletionResultType]::ParameterValue, 'Accept a migration edited after it was applied: record its file''s checksum (asks first; audited)')
            [CompletionResult]::new('backup', 'backup', [CompletionResultType]::ParameterValue, 'Back up each city database now (SQLite: into the state folder; every table''s rows counted in the same picture)')
            [CompletionResult]::new('backups', 'backups', [CompletionResultType]::ParameterValue, 'List a city''s backups: time, type, reason, size, schema, rows, whether a drill verified them')
            [CompletionResult]::new('restore', 'restore', [CompletionResultType]::ParameterValue, 'Restore a backup: into a new database beside the live one (default), or in place after a question (audited; the live one is kept as a backup first)')
            [CompletionResult]::new('drill', 'drill', [CompletionResultType]::ParameterValue, 'Restore each city''s latest backup into a scratch database and check it against what was counted when it was taken; the live database is never touched')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'jinbao;db;init' {
            [CompletionResult]::new('--wave', '--wave', [CompletionResultType]::ParameterName, 'Every city of a rollout wave (pilot, demonstration, general)')
            [CompletionResult]::new('-j', '-j', [CompletionResultType]::ParameterName, 'Databases worked on at once')
            [CompletionResult]::new('--jobs', '--jobs', [CompletionResultType]::ParameterName, 'Databases worked on at once')
            [CompletionResult]::new('--profiles', '--profiles', [CompletionResultType]::ParameterName, 'Folder with province.toml, cities/ and env/ [default: the project''s profiles/, the project found from the current folder upwards, or JINBAO_HOME]')
            [CompletionResult]::new('--env', '--env', [CompletionResultType]::ParameterName, 'Environment overlay from <profiles>/env/ [default: sandbox]')
            [CompletionResult]::new('--set', '--set', [CompletionResultType]::ParameterName, 'Override a profile value for this run, as KEY=VALUE (e.g. app.keep_releases=3)')
            [CompletionResult]::new('--state-dir', '--state-dir', [CompletionResultType]::ParameterName, 'Folder for journals, locks, histories and the sandbox [default: the project''s .jinbao/]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR and TERM=dumb are respected)')
            [CompletionResult]::new('--all', '--all', [CompletionResultType]::ParameterName, 'Every city, wave by wave')
            [CompletionResult]::new('--province', '--province', [CompletionResultType]::ParameterName, 'The province center''s database (`jinbao_province`)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable JSON on stdout, nothing else mixed in (docs/json.md)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail (repeat for debug logs)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail (repeat for debug logs)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors')
            [CompletionResult]::new('--show-personal-data', '--show-personal-data', [CompletionResultType]::ParameterName, 'Show ID numbers and names in full (each use is recorded in the audit log)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'jinbao;db;migrate' {
            [CompletionResult]::new('--wave', '--wave', [CompletionResultType]::ParameterName, 'Every city of a rollout wave (pilot, demonstration, general)')
            [CompletionResult]::new('-j', '-j', [CompletionResultType]::ParameterName, 'Databases worked on at once')
            [CompletionResult]::new('--jobs', '--jobs', [CompletionResultType]::ParameterName, 'Databases worked on at once')
            [CompletionResult]::new('--to', '--to', [CompletionResultType]::ParameterName, 'Stop at this version (default: the latest)')
            [CompletionResult]::new('--lock-wait', '--lock-wait', [CompletionResultType]::ParameterName, 'How long to wait for another migration run holding the lock')
            [CompletionResult]::new('--no-restore-point', '--no-restore-point', [CompletionResultType]::ParameterName, 'Migrate even when no backup can be taken first, for this reason (audited)')
            [CompletionResult]::new('--profiles', '--profiles', [CompletionResultType]::ParameterName, 'Folder with province.toml, cities/ and env/ [default: the project''s profiles/, the project found from the current folder upwards, or JINBAO_HOME]')
            [CompletionResult]::new('--env', '--env', [CompletionResultType]::ParameterName, 'Environment overlay from <profiles>/env/ [default: sandbox]')
            [CompletionResult]::new('--set', '--set', [CompletionResultType]::ParameterName, 'Override a profile value for this run, as KEY=VALUE (e.g. app.keep_releases=3)')
            [CompletionResult]::new('--state-dir', '--state-dir', [CompletionResultType]::ParameterName, 'Folder for journals, locks, histories and the sandbox [default: the project''s .jinbao/]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR and TERM=dumb are respected)')
            [CompletionResult]::new('--all', '--all', [CompletionResultType]::ParameterName, 'Every city, wave by wave')
            [CompletionResult]::new('--province', '--province', [CompletionResultType]::ParameterName, 'The province center''s database (`jinbao_province`)')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Print the SQL that would run, run nothing')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable JSON on stdout, nothing else mixed in (docs/json.md)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail (repeat for debug logs)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail (repeat for debug logs)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors')
            [CompletionResult]::new('--show-personal-data', '--show-personal-data', [CompletionResultType]::ParameterName, 'Show ID numbers and names in full (each use is recorded in the audit log)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'jinbao;db;status' {
            [CompletionResult]::new('--wave', '--wave', [CompletionResultType]::ParameterName, 'Every city of a rollout wave (pilot, demonstration, general)')
            [CompletionResult]::new('-j', '-j', [CompletionResultType]::ParameterName, 'Databases worked on at once')
            [CompletionResult]::new('--jobs', '--jobs', [CompletionResultType]::ParameterName, 'Databases worked on at once')
            [CompletionResult]::new('--profiles', '--profiles', [CompletionResultType]::ParameterName, 'Folder with province.toml, cities/ and env/ [default: the project''s profiles/, the project found from the current folder upwards, or JINBAO_HOME]')
            [CompletionResult]::new('--env', '--env', [CompletionResultType]::ParameterName, 'Environment overlay from <profiles>/env/ [default: sandbox]')
            [CompletionResult]::new('--set', '--set', [CompletionResultType]::ParameterName, 'Override a profile value for this run, as KEY=VALUE (e.g. app.keep_releases=3)')
            [CompletionResult]::new('--state-dir', '--state-dir', [CompletionResultType]::ParameterName, 'Folder for journals, locks, histories and the sandbox [default: the project''s .jinbao/]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR and TERM=dumb are respected)')
            [CompletionResult]::new('--all', '--all', [CompletionResultType]::ParameterName, 'Every city, wave by wave')
            [CompletionResult]::new('--province', '--province', [CompletionResultType]::ParameterName, 'The province center''s database (`jinbao_province`)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable JSON on stdout, nothing else mixed in (docs/json.md)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail (repeat for debug logs)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail (repeat for debug logs)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors')
            [CompletionResult]::new('--show-personal-data', '--show-personal-data', [CompletionResultType]::ParameterName, 'Show ID numbers and names in full (each use is recorded in the audit log)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'jinbao;db;drift' {
            [CompletionResult]::new('--wave', '--wave', [CompletionResultType]::ParameterName, 'Every city of a rollout wave (pilot, demonstration, general)')
            [CompletionResult]::new('-j', '-j', [CompletionResultType]::ParameterName, 'Databases worked on at once')
            [CompletionResult]::new('--jobs', '--jobs', [CompletionResultType]::ParameterName, 'Databases worked on at once')
            [CompletionResult]::new('--profiles', '--profiles', [CompletionResultType]::ParameterName, 'Folder with province.toml, cities/ and env/ [default: the project''s profiles/, the project found from the current folder upwards, or JINBAO_HOME]')
            [CompletionResult]::new('--env', '--env', [CompletionResultType]::ParameterName, 'Environment overlay from <profiles>/env/ [default: sandbox]')
            [CompletionResult]::new('--set', '--set', [CompletionResultType]::ParameterName, 'Override a profile value for this run, as KEY=VALUE (e.g. app.keep_releases=3)')
            [CompletionResult]::new('--state-dir', '--state-dir', [CompletionResultType]::ParameterName, 'Folder for journals, locks, histories and the sandbox [default: the project''s .jinbao/]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR and TERM=dumb are respected)')
            [CompletionResult]::new('--all', '--all', [CompletionResultType]::ParameterName, 'Every city, wave by wave')
            [CompletionResult]::new('--province', '--province', [CompletionResultType]::ParameterName, 'The province center''s database (`jinbao_province`)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable JSON on stdout, nothing else mixed in (docs/json.md)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail (repeat for debug logs)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail (repeat for debug logs)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors')
            [CompletionResult]::new('--show-personal-data', '--show-personal-data', [CompletionResultType]::ParameterName, 'Show ID numbers and names in full (each use is recorded in the audit log)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'jinbao;db;baseline' {
            [CompletionResult]::new('--wave', '--wave', [CompletionResultType]::ParameterName, 'Every city of a rollout wave (pilot, demonstration, general)')
            [CompletionResult]::new('-j', '-j', [CompletionResultType]::ParameterName, 'Databases worked on at once')
            [CompletionResult]::new('--jobs', '--jobs', [CompletionResultType]::ParameterName, 'Databases worked on at once')
            [CompletionResult]::new('--to', '--to', [CompletionResultType]::ParameterName, 'Version the database is at (default: the latest)')
            [CompletionResult]::new('--profiles', '--profiles', [CompletionResultType]::ParameterName, 'Folder with province.toml, cities/ and env/ [default: the project''s profiles/, the project found from the current folder upwards, or JINBAO_HOME]')
            [CompletionResult]::new('--env', '--env', [CompletionResultType]::ParameterName, 'Environment overlay from <profiles>/env/ [default: sandbox]')
            [CompletionResult]::new('--set', '--set', [CompletionResultType]::ParameterName, 'Override a profile value for this run, as KEY=VALUE (e.g. app.keep_releases=3)')
            [CompletionResult]::new('--state-dir', '--state-dir', [CompletionResultType]::ParameterName, 'Folder for journals, locks, histories and the sandbox [default: the project''s .jinbao/]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR and TERM=dumb are respected)')
            [CompletionResult]::new('--all', '--all', [CompletionResultType]::ParameterName, 'Every city, wave by wave')
            [CompletionResult]::new('--province', '--province', [CompletionResultType]::ParameterName, 'The province center''s database (`jinbao_province`)')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Record the baseline even if the live schema differs from the migrations')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable JSON on stdout, nothing else mixed in (docs/json.md)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail (repeat for debug logs)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail (repeat for debug logs)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors')
            [CompletionResult]::new('--show-personal-data', '--show-personal-data', [CompletionResultType]::ParameterName, 'Show ID numbers and names in full (each use is recorded in the audit log)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'jinbao;db;repair' {
            [CompletionResult]::new('--wave', '--wave', [CompletionResultType]::ParameterName, 'Every city of a rollout wave (pilot, demonstration, general)')
            [CompletionResult]::new('-j', '-j', [CompletionResultType]::ParameterName, 'Databases worked on at once')
            [CompletionResult]::new('--jobs', '--jobs', [CompletionResultType]::ParameterName, 'Databases worked on at once')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Only this migration [default: every edited one]')
            [CompletionResult]::new('--profiles', '--profiles', [CompletionResultType]::ParameterName, 'Folder with province.toml, cities/ and env/ [default: the project''s profiles/, the project found from the current folder upwards, or JINBAO_HOME]')
            [CompletionResult]::new('--env', '--env', [CompletionResultType]::ParameterName, 'Environment overlay from <profiles>/env/ [default: sandbox]')
            [CompletionResult]::new('--set', '--set', [CompletionResultType]::ParameterName, 'Override a profile value for this run, as KEY=VALUE (e.g. app.keep_releases=3)')
            [CompletionResult]::new('--state-dir', '--state-dir', [CompletionResultType]::ParameterName, 'Folder for journals, locks, histories and the sandbox [default: the project''s .jinbao/]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR and TERM=dumb are respected)')
            [CompletionResult]::new('--all', '--all', [CompletionResultType]::ParameterName, 'Every city, wave by wave')
            [CompletionResult]::new('--province', '--province', [CompletionResultType]::ParameterName, 'The province center''s database (`jinbao_province`)')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Show what would be re-recorded, change nothing')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to the confirmation (nothing is asked when stdin is not a terminal: the command then stops unless --yes is given)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to the confirmation (nothing is asked when stdin is not a terminal: the command then stops unless --yes is given)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable JSON on stdout, nothing else mixed in (docs/json.md)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail (repeat for debug logs)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail (repeat for debug logs)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors')
            [CompletionResult]::new('--show-personal-data', '--show-personal-data', [CompletionResultType]::ParameterName, 'Show ID numbers and names in full (each use is recorded in the audit log)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'jinbao;db;backup' {
            [CompletionResult]::new('--wave', '--wave', [CompletionResultType]::ParameterName, 'Every city of a rollout wave (pilot, demonstration, general)')
            [CompletionResult]::new('-j', '-j', [CompletionResultType]::ParameterName, 'Databases worked on at once')
            [CompletionResult]::new('--jobs', '--jobs', [CompletionResultType]::ParameterName, 'Databases worked on at once')
            [CompletionResult]::new('--profiles', '--profiles', [CompletionResultType]::ParameterName, 'Folder with province.toml, cities/ and env/ [default: the project''s profiles/, the project found from the current folder upwards, or JINBAO_HOME]')
            [CompletionResult]::new('--env', '--env', [CompletionResultType]::ParameterName, 'Environment overlay from <profiles>/env/ [default: sandbox]')
            [CompletionResult]::new('--set', '--set', [CompletionResultType]::ParameterName, 'Override a profile value for this run, as KEY=VALUE (e.g. app.keep_releases=3)')
            [CompletionResult]::new('--state-dir', '--state-dir', [CompletionResultType]::ParameterName, 'Folder for journals, locks, histories and the sandbox [default: the project''s .jinbao/]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR and TERM=dumb are respected)')
            [CompletionResult]::new('--all', '--all', [CompletionResultType]::ParameterName, 'Every city, wave by wave')
            [CompletionResult]::new('--province', '--province', [CompletionResultType]::ParameterName, 'The province center''s database (`jinbao_province`)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable JSON on stdout, nothing else mixed in (docs/json.md)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail (repeat for debug logs)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail (repeat for debug logs)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors')
            [CompletionResult]::new('--show-personal-data', '--show-personal-data', [CompletionResultType]::ParameterName, 'Show ID numbers and names in full (each use is recorded in the audit log)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'jinbao;db;backups' {
            [CompletionResult]::new('--wave', '--wave', [CompletionResultType]::ParameterName, 'Every city of a rollout wave (pilot, demonstration, general)')
            [CompletionResult]::new('--profiles', '--profiles', [CompletionResultType]::ParameterName, 'Folder with province.toml, cities/ and env/ [default: the project''s profiles/, the project found from the current folder upwards, or JINBAO_HOME]')
            [CompletionResult]::new('--env', '--env', [CompletionResultType]::ParameterName, 'Environment overlay from <profiles>/env/ [default: sandbox]')
            [CompletionResult]::new('--set', '--set', [CompletionResultType]::ParameterName, 'Override a profile value for this run, as KEY=VALUE (e.g. app.keep_releases=3)')
            [CompletionResult]::new('--state-dir', '--state-dir', [CompletionResultType]::ParameterName, 'Folder for journals, locks, histories and the sandbox [default: the project''s .jinbao/]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR and TERM=dumb are respected)')
            [CompletionResult]::new('--all', '--all', [CompletionResultType]::ParameterName, 'Every city, wave by wave')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable JSON on stdout, nothing else mixed in (docs/json.md)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail (repeat for debug logs)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail (repeat for debug logs)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors')
            [CompletionResult]::new('--show-personal-data', '--show-personal-data', [CompletionResultType]::ParameterName, 'Show ID numbers and names in full (each use is recorded in the audit log)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'jinbao;db;restore' {
            [CompletionResult]::new('--backup', '--backup', [CompletionResultType]::ParameterName, 'This backup, an id `jinbao db backups CITY` lists [default: the latest]')
            [CompletionResult]::new('--time', '--time', [CompletionResultType]::ParameterName, 'The database as it was at this time, e.g. "2026-12-03 14:30" (+08:00) or RFC 3339 (PostgreSQL; an SQLite database has backup points only)')
            [CompletionResult]::new('--before-run', '--before-run', [CompletionResultType]::ParameterName, 'The restore point the rollout run RUN took before it changed anything')
            [CompletionResult]::new('--into', '--into', [CompletionResultType]::ParameterName, 'Into a new database of this name beside the live one [default: CITY_restored_ID]')
            [CompletionResult]::new('--override-window', '--override-window', [CompletionResultType]::ParameterName, 'Replace it outside the maintenance window, recording why')
            [CompletionResult]::new('-j', '-j', [CompletionResultType]::ParameterName, 'Servers worked on at once')
            [CompletionResult]::new('--jobs', '--jobs', [CompletionResultType]::ParameterName, 'Servers worked on at once')
            [CompletionResult]::new('--profiles', '--profiles', [CompletionResultType]::ParameterName, 'Folder with province.toml, cities/ and env/ [default: the project''s profiles/, the project found from the current folder upwards, or JINBAO_HOME]')
            [CompletionResult]::new('--env', '--env', [CompletionResultType]::ParameterName, 'Environment overlay from <profiles>/env/ [default: sandbox]')
            [CompletionResult]::new('--set', '--set', [CompletionResultType]::ParameterName, 'Override a profile value for this run, as KEY=VALUE (e.g. app.keep_releases=3)')
            [CompletionResult]::new('--state-dir', '--state-dir', [CompletionResultType]::ParameterName, 'Folder for journals, locks, histories and the sandbox [default: the project''s .jinbao/]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR and TERM=dumb are respected)')
            [CompletionResult]::new('--in-place', '--in-place', [CompletionResultType]::ParameterName, 'Replace the live database (asks first; inside the maintenance window; audited)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to the confirmation (nothing is asked when stdin is not a terminal: the command then stops unless --yes is given)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to the confirmation (nothing is asked when stdin is not a terminal: the command then stops unless --yes is given)')
            [CompletionResult]::new('--accept-new-host-keys', '--accept-new-host-keys', [CompletionResultType]::ParameterName, 'Record the host key of a host missing from known_hosts (a changed key is always refused)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable JSON on stdout, nothing else mixed in (docs/json.md)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail (repeat for debug logs)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail (repeat for debug logs)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors')
            [CompletionResult]::new('--show-personal-data', '--show-personal-data', [CompletionResultType]::ParameterName, 'Show ID numbers and names in full (each use is recorded in the audit log)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'jinbao;db;drill' {
            [CompletionResult]::new('--wave', '--wave', [CompletionResultType]::ParameterName, 'Every city of a rollout wave (pilot, demonstration, general)')
            [CompletionResult]::new('-j', '-j', [CompletionResultType]::ParameterName, 'Databases worked on at once')
            [CompletionResult]::new('--jobs', '--jobs', [CompletionResultType]::ParameterName, 'Databases worked on at once')
            [CompletionResult]::new('--profiles', '--profiles', [CompletionResultType]::ParameterName, 'Folder with province.toml, cities/ and env/ [default: the project''s profiles/, the project found from the current folder upwards, or JINBAO_HOME]')
            [CompletionResult]::new('--env', '--env', [CompletionResultType]::ParameterName, 'Environment overlay from <profiles>/env/ [default: sandbox]')
            [CompletionResult]::new('--set', '--set', [CompletionResultType]::ParameterName, 'Override a profile value for this run, as KEY=VALUE (e.g. app.keep_releases=3)')
            [CompletionResult]::new('--state-dir', '--state-dir', [CompletionResultType]::ParameterName, 'Folder for journals, locks, histories and the sandbox [default: the project''s .jinbao/]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR and TERM=dumb are respected)')
            [CompletionResult]::new('--all', '--all', [CompletionResultType]::ParameterName, 'Every city, wave by wave')
            [CompletionResult]::new('--province', '--province', [CompletionResultType]::ParameterName, 'The province center''s database (`jinbao_province`)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable JSON on stdout, nothing else mixed in (docs/json.md)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail (repeat for debug logs)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail (repeat for debug logs)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors')
            [CompletionResult]::new('--show-personal-data', '--show-personal-data', [CompletionResultType]::ParameterName, 'Show ID numbers and names in full (each use is recorded in the audit log)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'jinbao;db;help' {
            [CompletionResult]::new('init', 'init', [CompletionResultType]::ParameterValue, 'Create each database if missing, with its migrator, application and read-only roles')
            [CompletionResult]::new('migrate', 'migrate', [CompletionResultType]::ParameterValue, 'Apply pending migrations in order, each in its own transaction')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'One row per database: current version, pending migrations, checksum problems')
            [CompletionResult]::new('drift', 'drift', [CompletionResultType]::ParameterValue, 'Compare the live schema with what the migrations produce; exit 3 on drift')
            [CompletionResult]::new('baseline', 'baseline', [CompletionResultType]::ParameterValue, 'Adopt a database that already has the schema: record migrations as applied')
            [CompletionResult]::new('repair', 'repair', [CompletionResultType]::ParameterValue, 'Accept a migration edited after it was applied: record its file''s checksum (asks first; audited)')
            [CompletionResult]::new('backup', 'backup', [CompletionResultType]::ParameterValue, 'Back up each city database now (SQLite: into the state folder; every table''s rows counted in the same picture)')
            [CompletionResult]::new('backups', 'backups', [CompletionResultType]::ParameterValue, 'List a city''s backups: time, type, reason, size, schema, rows, whether a drill verified them')
            [CompletionResult]::new('restore', 'restore', [CompletionResultType]::ParameterValue, 'Restore a backup: into a new database beside the live one (default), or in place after a question (audited; the live one is kept as a backup first)')
            [CompletionResult]::new('drill', 'drill', [CompletionResultType]::ParameterValue, 'Restore each city''s latest backup into a scratch database and check it against what was counted when it was taken; the live database is never touched')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'jinbao;db;help;init' {
            break
        }
        'jinbao;db;help;migrate' {
            break
        }
        'jinbao;db;help;status' {
            break
        }
        'jinbao;db;help;drift' {
            break
        }
        'jinbao;db;help;baseline' {
            break
        }
        'jinbao;db;help;repair' {
            break
        }
        'jinbao;db;help;backup' {
            break
        }
        'jinbao;db;help;backups' {
            break
        }
        'jinbao;db;help;restore' {
            break
        }
        'jinbao;db;help;drill' {
            break
        }
        'jinbao;db;help;help' {
            break
        }
        'jinbao;lock' {
            [CompletionResult]::new('--profiles', '--profiles', [CompletionResultType]::ParameterName, 'Folder with province.toml, cities/ and env/ [default: the project''s profiles/, the project found from the current folder upwards, or JINBAO_HOME]')
            [CompletionResult]::new('--env', '--env', [CompletionResultType]::ParameterName, 'Environment overlay from <profiles>/env/ [default: sandbox]')
            [CompletionResult]::new('--set', '--set', [CompletionResultType]::ParameterName, 'Override a profile value for this run, as KEY=VALUE (e.g. app.keep_releases=3)')
            [CompletionResult]::new('--state-dir', '--state-dir', [CompletionResultType]::ParameterName, 'Folder for journals, locks, histories and the sandbox [default: the project''s .jinbao/]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR and TERM=dumb are respected)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable JSON on stdout, nothing else mixed in (docs/json.md)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail (repeat for debug logs)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail (repeat for debug logs)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors')
            [CompletionResult]::new('--show-personal-data', '--show-personal-data', [CompletionResultType]::ParameterName, 'Show ID numbers and names in full (each use is recorded in the audit log)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Who holds which lock, since when')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'jinbao;lock;status' {
            [CompletionResult]::new('--wave', '--wave', [CompletionResultType]::ParameterName, 'Every city of a rollout wave (pilot, demonstration, general)')
            [CompletionResult]::new('-j', '-j', [CompletionResultType]::ParameterName, 'Servers worked on at once')
            [CompletionResult]::new('--jobs', '--jobs', [CompletionResultType]::ParameterName, 'Servers worked on at once')
            [CompletionResult]::new('--profiles', '--profiles', [CompletionResultType]::ParameterName, 'Folder with province.toml, cities/ and env/ [default: the project''s profiles/, the project found from the current folder upwards, or JINBAO_HOME]')
            [CompletionResult]::new('--env', '--env', [CompletionResultType]::ParameterName, 'Environment overlay from <profiles>/env/ [default: sandbox]')
            [CompletionResult]::new('--set', '--set', [CompletionResultType]::ParameterName, 'Override a profile value for this run, as KEY=VALUE (e.g. app.keep_releases=3)')
            [CompletionResult]::new('--state-dir', '--state-dir', [CompletionResultType]::ParameterName, 'Folder for journals, locks, histories and the sandbox [default: the project''s .jinbao/]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR and TERM=dumb are respected)')
            [CompletionResult]::new('--all', '--all', [CompletionResultType]::ParameterName, 'Every city, wave by wave')
            [CompletionResult]::new('--accept-new-host-keys', '--accept-new-host-keys', [CompletionResultType]::ParameterName, 'Record the host key of a host missing from known_hosts (a changed key is always refused)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable JSON on stdout, nothing else mixed in (docs/json.md)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail (repeat for debug logs)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail (repeat for debug logs)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors')
            [CompletionResult]::new('--show-personal-data', '--show-personal-data', [CompletionResultType]::ParameterName, 'Show ID numbers and names in full (each use is recorded in the audit log)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'jinbao;lock;help' {
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Who holds which lock, since when')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'jinbao;lock;help;status' {
            break
        }
        'jinbao;lock;help;help' {
            break
        }
        'jinbao;audit' {
            [CompletionResult]::new('--since', '--since', [CompletionResultType]::ParameterName, 'Only records newer than this (e.g. 7d, 12h)')
            [CompletionResult]::new('--profiles', '--profiles', [CompletionResultType]::ParameterName, 'Folder with province.toml, cities/ and env/ [default: the project''s profiles/, the project found from the current folder upwards, or JINBAO_HOME]')
            [CompletionResult]::new('--env', '--env', [CompletionResultType]::ParameterName, 'Environment overlay from <profiles>/env/ [default: sandbox]')
            [CompletionResult]::new('--set', '--set', [CompletionResultType]::ParameterName, 'Override a profile value for this run, as KEY=VALUE (e.g. app.keep_releases=3)')
            [CompletionResult]::new('--state-dir', '--state-dir', [CompletionResultType]::ParameterName, 'Folder for journals, locks, histories and the sandbox [default: the project''s .jinbao/]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR and TERM=dumb are respected)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable JSON on stdout, nothing else mixed in (docs/json.md)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail (repeat for debug logs)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail (repeat for debug logs)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors')
            [CompletionResult]::new('--show-personal-data', '--show-personal-data', [CompletionResultType]::ParameterName, 'Show ID numbers and names in full (each use is recorded in the audit log)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'jinbao;completions' {
            [CompletionResult]::new('--profiles', '--profiles', [CompletionResultType]::ParameterName, 'Folder with province.toml, cities/ and env/ [default: the project''s profiles/, the project found from the current folder upwards, or JINBAO_HOME]')
            [CompletionResult]::new('--env', '--env', [CompletionResultType]::ParameterName, 'Environment overlay from <profiles>/env/ [default: sandbox]')
            [CompletionResult]::new('--set', '--set', [CompletionResultType]::ParameterName, 'Override a profile value for this run, as KEY=VALUE (e.g. app.keep_releases=3)')
            [CompletionResult]::new('--state-dir', '--state-dir', [CompletionResultType]::ParameterName, 'Folder for journals, locks, histories and the sandbox [default: the project''s .jinbao/]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR and TERM=dumb are respected)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable JSON on stdout, nothing else mixed in (docs/json.md)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail (repeat for debug logs)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail (repeat for debug logs)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors')
            [CompletionResult]::new('--show-personal-data', '--show-personal-data', [CompletionResultType]::ParameterName, 'Show ID numbers and names in full (each use is recorded in the audit log)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'jinbao;help' {
            [CompletionResult]::new('profile', 'profile', [CompletionResultType]::ParameterValue, 'List, show, validate and compare profiles')
            [CompletionResult]::new('ping', 'ping', [CompletionResultType]::ParameterValue, 'Connect to every server of the target: reachability, latency and basic facts')
            [CompletionResult]::new('exec', 'exec', [CompletionResultType]::ParameterValue, 'Run a command on every server of the target')
            [CompletionResult]::new('provision', 'provision', [CompletionResultType]::ParameterValue, 'Build servers from their profile: plan, apply')
            [CompletionResult]::new('net', 'net', [CompletionResultType]::ParameterValue, 'Network checks: routes and endpoints from every server')
            [CompletionResult]::new('release', 'release', [CompletionResultType]::ParameterValue, 'Releases of the unified application: pack, inspect')
            [CompletionResult]::new('rollout', 'rollout', [CompletionResultType]::ParameterValue, 'Roll a release out city by city, wave by wave')
            [CompletionResult]::new('rollback', 'rollback', [CompletionResultType]::ParameterValue, 'Switch a city back to its previous release')
            [CompletionResult]::new('releases', 'releases', [CompletionResultType]::ParameterValue, 'What is installed on each server, and which release is current')
            [CompletionResult]::new('health', 'health', [CompletionResultType]::ParameterValue, 'Health of servers, services and databases (exit 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN)')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Where every city stands: milestones, score, release, health, data, schema')
            [CompletionResult]::new('report', 'report', [CompletionResultType]::ParameterValue, 'The province''s assessment as one HTML page, or its table as CSV or Markdown')
            [CompletionResult]::new('data', 'data', [CompletionResultType]::ParameterValue, 'County data: synth, import, check, compare, progress')
            [CompletionResult]::new('db', 'db', [CompletionResultType]::ParameterValue, 'Databases: init, migrate, status, drift, baseline, repair')
            [CompletionResult]::new('lock', 'lock', [CompletionResultType]::ParameterValue, 'Locks: who holds what, since when (break one with `rollout unlock`)')
            [CompletionResult]::new('audit', 'audit', [CompletionResultType]::ParameterValue, 'The audit log: every change jinbao made, who made it, when and how it ended')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print a shell completion script')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'jinbao;help;profile' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'Every city: code, name, pinyin, wave, servers, database engine')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'The effective profile of one city (pinyin, Chinese name or code)')
            [CompletionResult]::new('validate', 'validate', [CompletionResultType]::ParameterValue, 'Check every profile (or the named cities); exit 2 on any error')
            [CompletionResult]::new('diff', 'diff', [CompletionResultType]::ParameterValue, 'How two cities'' effective profiles differ')
            break
        }
        'jinbao;help;profile;list' {
            break
        }
        'jinbao;help;profile;show' {
            break
        }
        'jinbao;help;profile;validate' {
            break
        }
        'jinbao;help;profile;diff' {
            break
        }
        'jinbao;help;ping' {
            break
        }
        'jinbao;help;exec' {
            break
        }
        'jinbao;help;provision' {
            [CompletionResult]::new('plan', 'plan', [CompletionResultType]::ParameterValue, 'What would change on every server (exit 0: nothing, 3: changes pending, 1: error); --out records it for `provision apply FILE`')
            [CompletionResult]::new('apply', 'apply', [CompletionResultType]::ParameterValue, 'Make the changes, for a target (asks first on a terminal unless --yes) or exactly as a plan FILE recorded them (a city whose servers moved since is refused)')
            break
        }
        'jinbao;help;provision;plan' {
            break
        }
        'jinbao;help;provision;apply' {
            break
        }
        'jinbao;help;net' {
            [CompletionResult]::new('check', 'check', [CompletionResultType]::ParameterValue, 'Check every server''s routes and TCP endpoints (exit 1 when one fails)')
            break
        }
        'jinbao;help;net;check' {
            break
        }
        'jinbao;help;release' {
            [CompletionResult]::new('pack', 'pack', [CompletionResultType]::ParameterValue, 'Pack a folder (or a tarball''s contents) as a release: sorted entries, fixed times')
            [CompletionResult]::new('inspect', 'inspect', [CompletionResultType]::ParameterValue, 'Show a release''s manifest and verify its checksum and every entry')
            break
        }
        'jinbao;help;release;pack' {
            break
        }
        'jinbao;help;release;inspect' {
            break
        }
        'jinbao;help;rollout' {
            [CompletionResult]::new('plan', 'plan', [CompletionResultType]::ParameterValue, 'Record per city and server the current release, the steps and the facts they rely on')
            [CompletionResult]::new('apply', 'apply', [CompletionResultType]::ParameterValue, 'Execute a recorded plan; a city whose facts moved since is refused')
            [CompletionResult]::new('unlock', 'unlock', [CompletionResultType]::ParameterValue, 'Break the rollout lock of a city (recorded in the audit log)')
            [CompletionResult]::new('abandon', 'abandon', [CompletionResultType]::ParameterValue, 'Give up the unfinished rollout (after damage, or when it cannot go on); servers stay as they are')
            break
        }
        'jinbao;help;rollout;plan' {
            break
        }
        'jinbao;help;rollout;apply' {
            break
        }
        'jinbao;help;rollout;unlock' {
            break
        }
        'jinbao;help;rollout;abandon' {
            break
        }
        'jinbao;help;rollback' {
            break
        }
        'jinbao;help;releases' {
            break
        }
        'jinbao;help;health' {
            break
        }
        'jinbao;help;status' {
            break
        }
        'jinbao;help;report' {
            break
        }
        'jinbao;help;data' {
            [CompletionResult]::new('synth', 'synth', [CompletionResultType]::ParameterValue, 'Synthetic county extracts of a city, with injected defects reported exactly')
            [CompletionResult]::new('import', 'import', [CompletionResultType]::ParameterValue, 'Load county extracts: every row loaded or rejected with its line and reason')
            [CompletionResult]::new('check', 'check', [CompletionResultType]::ParameterValue, 'Data-quality rules, run inside each city database (exit 1 when an error rule fails)')
            [CompletionResult]::new('compare', 'compare', [CompletionResultType]::ParameterValue, 'Row-level reconciliation of a county''s source with what the city holds (exit 0 the same, 3 differences found, 1 failed)')
            [CompletionResult]::new('progress', 'progress', [CompletionResultType]::ParameterValue, 'Which county''s data is in the city''s center, and how good (exit 1 past the deadline)')
            [CompletionResult]::new('changes', 'changes', [CompletionResultType]::ParameterValue, 'What each cycle changed: per county and table, rows new, changed, missing and rejected per load, and the open problems going up or down')
            break
        }
        'jinbao;help;data;synth' {
            break
        }
        'jinbao;help;data;import' {
            break
        }
        'jinbao;help;data;check' {
            break
        }
        'jinbao;help;data;compare' {
            break
        }
        'jinbao;help;data;progress' {
            break
        }
        'jinbao;help;data;changes' {
            break
        }
        'jinbao;help;db' {
            [CompletionResult]::new('init', 'init', [CompletionResultType]::ParameterValue, 'Create each database if missing, with its migrator, application and read-only roles')
            [CompletionResult]::new('migrate', 'migrate', [CompletionResultType]::ParameterValue, 'Apply pending migrations in order, each in its own transaction')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'One row per database: current version, pending migrations, checksum problems')
            [CompletionResult]::new('drift', 'drift', [CompletionResultType]::ParameterValue, 'Compare the live schema with what the migrations produce; exit 3 on drift')
            [CompletionResult]::new('baseline', 'baseline', [CompletionResultType]::ParameterValue, 'Adopt a database that already has the schema: record migrations as applied')
            [CompletionResult]::new('repair', 'repair', [CompletionResultType]::ParameterValue, 'Accept a migration edited after it was applied: record its file''s checksum (asks first; audited)')
            [CompletionResult]::new('backup', 'backup', [CompletionResultType]::ParameterValue, 'Back up each city database now (SQLite: into the state folder; every table''s rows counted in the same picture)')
            [CompletionResult]::new('backups', 'backups', [CompletionResultType]::ParameterValue, 'List a city''s backups: time, type, reason, size, schema, rows, whether a drill verified them')
            [CompletionResult]::new('restore', 'restore', [CompletionResultType]::ParameterValue, 'Restore a backup: into a new database beside the live one (default), or in place after a question (audited; the live one is kept as a backup first)')
            [CompletionResult]::new('drill', 'drill', [CompletionResultType]::ParameterValue, 'Restore each city''s latest backup into a scratch database and check it against what was counted when it was taken; the live database is never touched')
            break
        }
        'jinbao;help;db;init' {
            break
        }
        'jinbao;help;db;migrate' {
            break
        }
        'jinbao;help;db;status' {
            break
        }
        'jinbao;help;db;drift' {
            break
        }
        'jinbao;help;db;baseline' {
            break
        }
        'jinbao;help;db;repair' {
            break
        }
        'jinbao;help;db;backup' {
            break
        }
        'jinbao;help;db;backups' {
            break
        }
        'jinbao;help;db;restore' {
            break
        }
        'jinbao;help;db;drill' {
            break
        }
        'jinbao;help;lock' {
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Who holds which lock, since when')
            break
        }
        'jinbao;help;lock;status' {
            break
        }
        'jinbao;help;audit' {
            break
        }
        'jinbao;help;completions' {
            break
        }
        'jinbao;help;help' {
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
