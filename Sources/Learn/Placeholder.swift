// Learn
