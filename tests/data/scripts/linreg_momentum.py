"""SGD with momentum on a linear model written with nn.Linear."""
import torch
import torch.nn as nn

x = torch.linspace(-1, 1, 8).unsqueeze(1)
y = 3 * x - 0.5
model = nn.Linear(1, 1)
with torch.no_grad():
    model.weight.fill_(0.1)
    model.bias.fill_(0.0)
loss_fn = nn.MSELoss()
opt = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)

for i in range(30):
    opt.zero_grad()
    pred = model(x)
    loss = loss_fn(pred, y)
    loss.backward()
    opt.step()
