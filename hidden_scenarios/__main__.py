from hidden_scenarios.cli import main

main()
